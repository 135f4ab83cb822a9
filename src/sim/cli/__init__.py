"""The ``sim`` command line. Each command group is a module of this package with
``register(subparsers)``; heavy imports happen inside the handlers, not here.

User mistakes raise :class:`sim.errors.SimError` (or ``UsageError``) and end as one line on
stderr with exit code 2, never a traceback.
"""
from __future__ import annotations

import argparse
import importlib
import importlib.util
import os
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn, TypeAlias

from sim import __version__
from sim.errors import SimError

# Command groups, in the order `sim --help` lists them.
COMMAND_MODULES = ("cohort", "patient", "instruments", "case", "interview", "plan", "grade", "classroom")


# What ``add_subparsers`` returns; each command module's ``register`` adds its parsers to it.
Subparsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
Handler: TypeAlias = Callable[[argparse.Namespace], int]


class UsageError(SimError):
    """A command-line argument is wrong; the message says what is allowed."""


def missing_subcommand(parser: argparse.ArgumentParser, sub: Subparsers) -> Handler:
    """A handler for a command group given without a subcommand: one line naming the allowed ones."""
    def handler(args: argparse.Namespace) -> int:
        raise UsageError(f"missing subcommand after '{parser.prog}'; allowed: {', '.join(sub.choices)} "
                         f"(see '{parser.prog} --help')")
    return handler


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # argparse's default prints usage + exits 2
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="sim", description="Simulation curriculum for medical social work "
                     "(all patients are synthetic).")
    parser.add_argument("--version", action="version", version=f"sim {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMAND_MODULES:
        if importlib.util.find_spec(f"sim.cli.{name}") is not None:
            importlib.import_module(f"sim.cli.{name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if not getattr(args, "handler", None):
            parser.print_help()
            return 0
        return int(args.handler(args) or 0)
    except SimError as exc:
        print(f"sim: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("sim: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (``sim ... | head``): stop quietly, as other shell tools do.
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        return 141


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
