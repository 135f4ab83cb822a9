"""``sim grade``: the nbgrader course tooling (parallel autograde, feedback, exports, reports).

Every subcommand works on the course folder found as nbgrader users expect: ``--course DIR`` when
given, else the current folder when it holds ``nbgrader_config.py``, else ``assignments/``.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from sim.cli import Subparsers, missing_subcommand

if TYPE_CHECKING:
    from sim.grading.course import Course


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser("grade", help="grade the nbgrader course (autograde, feedback, export, ...)",
                                   description="Course tooling around nbgrader for the sim-msw course.")
    parser.add_argument("--course", default=None, metavar="DIR", help=_COURSE_HELP)
    sub = parser.add_subparsers(dest="grade_command", metavar="SUBCOMMAND", parser_class=type(parser))

    p = sub.add_parser("generate", help="nbgrader generate_assignment for the given (or every) assignment")
    p.add_argument("assignments", nargs="*", metavar="ASSIGNMENT", help="assignment ids (default: all)")
    p.set_defaults(handler=_generate)

    p = sub.add_parser("autograde", help="autograde every submission in parallel, re-score outside the kernel")
    p.add_argument("assignment", metavar="ASSIGNMENT", help="assignment id, e.g. a1_assessment")
    p.add_argument("--jobs", type=int, default=None, metavar="N", help="worker processes (default: all cores)")
    p.add_argument("--student", action="append", metavar="ID", help="only this student (repeatable)")
    p.add_argument("--timeout", type=int, default=None, metavar="SECONDS",
                   help="per-cell timeout in seconds (default: the course's, 30)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--no-sandbox", action="store_true",
                   help="run student code WITHOUT the sandbox, with your rights (only for submissions you trust)")
    p.set_defaults(handler=_autograde)

    p = sub.add_parser("doctor", help="can this machine grade in a sandbox, and why not; the course's limits")
    p.set_defaults(handler=_doctor)

    p = sub.add_parser("feedback", help="feedback HTML without hidden tests, with messages beside scores")
    p.add_argument("assignment", metavar="ASSIGNMENT", help="assignment id, e.g. a1_assessment")
    p.add_argument("--student", default=None, metavar="ID", help="only this student (default: all)")
    p.set_defaults(handler=_feedback)

    p = sub.add_parser("export", help="grades as a Canvas gradebook import CSV or nbgrader's CSV")
    p.add_argument("--format", default="canvas", choices=["canvas", "csv"],
                   help="canvas: a Canvas gradebook import (default); csv: nbgrader's export")
    p.add_argument("--out", default=None, metavar="FILE",
                   help="the CSV file (default: grades_<format>.csv in the course)")
    p.set_defaults(handler=_export)

    p = sub.add_parser("competencies", help="CSWE EPAS competency attainment: CSV and PNG plot")
    p.add_argument("--out", default=None, metavar="DIR", help="folder for competencies.csv and .png "
                   "(default: reports/ in the course)")
    p.set_defaults(handler=_competencies)

    p = sub.add_parser("comments", help="print reusable rubric comments for manual grading")
    p.add_argument("row", nargs="?", default=None, metavar="ROW",
                   help="a rubric row, e.g. a1_formulation (default: all)")
    p.set_defaults(handler=_comments)
    for command in sub.choices.values():  # --course also after the subcommand
        command.add_argument("--course", default=argparse.SUPPRESS, metavar="DIR", help=_COURSE_HELP)
    parser.set_defaults(handler=missing_subcommand(parser, sub))


_COURSE_HELP = ("the nbgrader course folder (default: the current folder if it holds nbgrader_config.py, "
                "else assignments/)")


def _course(args: argparse.Namespace) -> Course:
    from sim.grading.course import find_course

    return find_course(args.course)


def _generate(args: argparse.Namespace) -> int:
    course = _course(args)
    names = args.assignments or list(course.assignments)
    course.generate(names)
    for name in names:
        print(f"released {name} -> {course.root / 'release' / name}")
    return 0


def _autograde(args: argparse.Namespace) -> int:
    from sim.errors import SimValueError
    from sim.grading.autograde import autograde, summary
    from sim.grading.gradebook import redact

    if args.jobs is not None and args.jobs < 1:
        raise SimValueError(f"--jobs {args.jobs} is not allowed; give 1 or more")
    if args.timeout is not None and args.timeout < 1:
        raise SimValueError(f"--timeout {args.timeout} is not allowed; give seconds per cell, 1 or more "
                            "(a cell with no limit could hang the run)")
    course = _course(args)
    if args.no_sandbox:
        import warnings

        from sim.grading.autograde import NO_SANDBOX_WARNING, UnsandboxedGradingWarning

        print("\n" + "!" * 78 + "\n" + NO_SANDBOX_WARNING + "\n" + "!" * 78 + "\n", file=sys.stderr)
        warnings.simplefilter("ignore", UnsandboxedGradingWarning)  # said once, above
    results = autograde(course, args.assignment, jobs=args.jobs, students=args.student,
                        timeout=args.timeout, progress=not args.quiet, sandbox=not args.no_sandbox)
    print(summary(results))
    print(f"gradebook: {redact(course.db_url)}; report: "
          f"{course.root / 'reports' / f'autograde_{args.assignment}.json'}")
    return 0


def _doctor(args: argparse.Namespace) -> int:
    from sim.errors import SimError
    from sim.grading.sandbox import status
    from sim.grading.sandbox.bwrap import exposed_course

    found = status()
    print(f"sandbox: {'yes' if found.ok else 'no'}: {found.reason}")
    try:
        course = _course(args)
    except SimError as exc:
        print(f"course: {exc}")
        return 0 if found.ok else 1
    print(f"course: {course.root}")
    print(f"limits per notebook (course.yaml 'sandbox:'): {course.sandbox.describe()}")
    inside = exposed_course(course.root)
    if inside is not None:
        print(f"no: the course lies inside {inside}, which the sandbox shows to student code; move it out")
        return 1
    return 0 if found.ok else 1


def _feedback(args: argparse.Namespace) -> int:
    from sim.grading.feedback import generate_feedback

    files = generate_feedback(_course(args), args.assignment, args.student)
    print(f"{len(files)} feedback file(s), hidden tests removed:")
    for f in files:
        print(f"  {f}")
    return 0


def _export(args: argparse.Namespace) -> int:
    from sim.grading.export import export

    out = export(_course(args), args.format, Path(args.out) if args.out else None)
    print(f"wrote {out}")
    return 0


def _competencies(args: argparse.Namespace) -> int:
    from sim.grading.competencies import report

    csv_path, png_path = report(_course(args), Path(args.out) if args.out else None)
    print(f"wrote {csv_path}\nwrote {png_path}")
    return 0


def _comments(args: argparse.Namespace) -> int:
    from sim.grading.comments import format_comments

    sys.stdout.write(format_comments(_course(args), args.row) + "\n")
    return 0
