"""``sim plan``: the reference plan of a case, simulated outcomes of a plan, resource matching."""
from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from sim.cli import Subparsers, missing_subcommand
from sim.errors import SimError


class PlanFileError(SimError):
    """A plan file cannot be read."""


def register(subparsers: Subparsers) -> None:
    """Add the ``plan`` command group."""
    parser = subparsers.add_parser("plan", help="care plans: reference plan, simulated outcomes, resources",
                                   description="Care plans for a case: the reference plan, simulated "
                                               "30/90-day outcomes, and community resources (synthetic).")
    sub = parser.add_subparsers(dest="plan_command", metavar="SUBCOMMAND")
    parser.set_defaults(handler=missing_subcommand(parser, sub))

    p = sub.add_parser("reference", help="the reference ('expert') plan of a case, as YAML or JSON")
    p.add_argument("case", metavar="CASE", help="case file or library id")
    p.add_argument("--seed", type=int, default=None, help="seed for a case template")
    p.add_argument("--start", default=None, help="date the plan is written, YYYY-MM-DD (default: today)")
    p.add_argument("--format", choices=("yaml", "json"), default="yaml", help="YAML (default) or JSON")
    p.set_defaults(handler=_reference)

    p = sub.add_parser("simulate", help="simulated outcomes of a plan vs no plan vs the reference plan")
    p.add_argument("case", metavar="CASE", help="case file or library id")
    p.add_argument("--plan", required=True, metavar="FILE", help="care plan, YAML or JSON")
    p.add_argument("--seed", type=int, default=0, help="simulation seed (default 0)")
    p.add_argument("--case-seed", type=int, default=None, help="seed for a case template")
    p.add_argument("--n", type=int, default=10_000, help="replicates (default 10,000)")
    p.add_argument("--plot", default=None, metavar="PNG", help="also save the comparison plot")
    p.set_defaults(handler=_simulate)

    p = sub.add_parser("resources", help="community resources for one need of a case, with eligibility")
    p.add_argument("case", metavar="CASE", help="case file or library id")
    p.add_argument("need", metavar="NEED", help="need domain, e.g. food_insecurity")
    p.add_argument("--seed", type=int, default=None, help="seed for a case template")
    p.set_defaults(handler=_resources)


def _load_case(path: str, seed: int | None) -> Any:
    from sim.cases.library import load_case

    return load_case(path, seed=seed)


def _read_plan(path: str) -> Any:
    import yaml

    from sim.practice.plan import parse_plan

    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise PlanFileError(f"cannot read plan file {path!r}: {exc.strerror}") from exc
    try:
        data = yaml.safe_load(text)  # JSON is YAML too
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark is not None else path
        what = " ".join(str(x) for x in (getattr(exc, "context", None), getattr(exc, "problem", None)) if x)
        raise PlanFileError(f"{where}: the plan file is not valid YAML or JSON: "
                            f"{what or ' '.join(str(exc).split())}") from exc
    plan, problems = parse_plan(data)
    for problem in problems:
        print(f"{path}: {problem.where}: {problem.message} (left out)", file=sys.stderr)
    return plan


def _reference(args: argparse.Namespace) -> int:
    from sim.practice.expert import reference_plan

    start = None
    if args.start:
        try:
            start = date.fromisoformat(args.start)
        except ValueError as exc:
            raise PlanFileError(f"--start {args.start!r} is not a date; use YYYY-MM-DD") from exc
    plan = reference_plan(_load_case(args.case, args.seed), start=start)
    data = plan.model_dump(mode="json", exclude_none=True)
    if args.format == "json":
        print(json.dumps(data, indent=2))
    else:
        import yaml

        sys.stdout.write(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    return 0


def _simulate(args: argparse.Namespace) -> int:
    from sim.outcomes import SUMMARY_KEYS, simulate
    from sim.practice.expert import reference_plan

    if args.plot:
        _check_plot_path(args.plot)
    case = _load_case(args.case, args.case_seed)
    plan = _read_plan(args.plan)
    results = {"your plan": simulate(case, plan, n=args.n, seed=args.seed),
               "no plan": simulate(case, None, n=args.n, seed=args.seed),
               "reference plan": simulate(case, reference_plan(case), n=args.n, seed=args.seed)}
    print(f"Simulated follow-up of case {case.id} (synthetic), {args.n:,} replicates, seed {args.seed}")
    print(f"{'outcome':24}" + "".join(f"{label:>16}" for label in results))
    for key in SUMMARY_KEYS:
        print(f"{key:24}" + "".join(f"{r.summary()[key]:16.3f}" for r in results.values()))
    print(f"{'harm index (lower better)':24}" + "".join(f"{r.harm_index():16.3f}" for r in results.values()))
    for note in results["your plan"].notes:
        print(f"- {note}")
    if args.plot:
        from sim.viz.outcomes import compare_plot

        compare_plot(results).savefig(args.plot, dpi=100)
        print(f"plot written to {args.plot}", file=sys.stderr)
    return 0


PLOT_SUFFIXES = (".png", ".svg", ".pdf", ".jpg", ".jpeg")


def _check_plot_path(path: str) -> None:
    """Refuse a ``--plot`` file that cannot be written, before the simulation runs."""
    target = Path(path)
    if target.suffix.lower() not in PLOT_SUFFIXES:
        raise PlanFileError(f"--plot {path!r}: unknown image type {target.suffix or '(none)'!r}; "
                            f"allowed: {', '.join(PLOT_SUFFIXES)}")
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise PlanFileError(f"--plot {path!r}: the folder {str(folder)!r} does not exist; create it first")


def _resources(args: argparse.Namespace) -> int:
    from sim.practice import resources

    case = _load_case(args.case, args.seed)
    result = resources.match(case, args.need)
    print(f"Resources for {args.need} (synthetic directory):")
    for r in result.eligible:
        when = f"opens in {r.start_days} d" if r.has_capacity else f"waitlist {r.waitlist_days} d"
        print(f"  eligible    {r.id:32} {r.name} ({when}; {r.phone}; {r.hours})")
    for rid, reasons in result.ineligible.items():
        print(f"  ineligible  {rid:32} {'; '.join(reasons)}")
    return 0
