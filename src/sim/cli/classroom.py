"""``sim classroom``: the course on a real JupyterHub (one system user per student, nbgrader's
exchange). ``up`` runs a course for a roster; ``demo`` runs a whole simulated term; ``clean``
removes what either left behind.
"""
from __future__ import annotations

import argparse
import signal
import time
from pathlib import Path

from sim.cli import missing_subcommand


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("classroom", help="the course on JupyterHub: up, demo, clean",
                                   description="The course on a real JupyterHub on 127.0.0.1: one system user "
                                               "per student, nbgrader's exchange, formgrader for the instructor. "
                                               "Needs root (it creates system users).")
    sub = parser.add_subparsers(dest="classroom_command", metavar="SUBCOMMAND", parser_class=type(parser))

    p = sub.add_parser("up", help="start a hub for the students of a roster CSV (until Ctrl-C)")
    p.add_argument("--roster", required=True, metavar="FILE",
                   help="CSV with the columns of 'nbgrader db student import' (id required; first_name, "
                        "last_name, email, lms_user_id)")
    p.add_argument("--port", type=int, default=8000, metavar="P",
                   help="port on 127.0.0.1 (default 8000; 0: any free port, printed at start)")
    p.add_argument("--state", default="classroom", metavar="DIR",
                   help="folder for homes, course, exchange and hub state (default: ./classroom)")
    p.add_argument("--instructor", default="instructor", metavar="NAME",
                   help="the instructor's user name (default: instructor)")
    p.add_argument("--gradebook", default=None, metavar="URL",
                   help="the course's gradebook, postgresql://USER:PASSWORD@HOST:PORT/DB (default: SQLite in "
                        "the course folder); written to the course's course.yaml")
    p.set_defaults(handler=_up)

    p = sub.add_parser("demo", help="a whole simulated term on a live hub, without a browser")
    p.add_argument("--students", type=int, default=8, metavar="N", help="simulated students (default 8)")
    p.add_argument("--keep", default=None, metavar="DIR",
                   help="leave users, homes and DIR/report.json (remove later with 'sim classroom clean DIR')")
    p.add_argument("--gradebook", default="sqlite", choices=["sqlite", "postgres"],
                   help="the gradebook: sqlite (default, a file in the course) or postgres (a PostgreSQL "
                        "server started in the state folder)")
    p.add_argument("--no-faults", action="store_true",
                   help="no double or late submission, no dying server, no hub restart")
    p.set_defaults(handler=_demo)

    p = sub.add_parser("clean", help="stop the hub, remove the users a classroom created and its folder")
    p.add_argument("state", metavar="DIR", help="the classroom folder (--state of up, --keep of demo)")
    p.set_defaults(handler=_clean)
    parser.set_defaults(handler=missing_subcommand(parser, sub))


def _up(args: argparse.Namespace) -> int:
    from sim.classroom.passwords import set_passwords
    from sim.classroom.room import prepare
    from sim.classroom.roster import read_roster
    from sim.classroom.users import require_root
    from sim.errors import SimValueError

    if not 0 <= args.port <= 65535:
        raise SimValueError(f"--port {args.port} is not allowed; give 1 to 65535, or 0 for any free port")
    roster = read_roster(args.roster)
    if args.gradebook:
        from sim.grading.course import check_gradebook_url

        check_gradebook_url(args.gradebook, "--gradebook")
    require_root("sim classroom up")
    room = prepare(Path(args.state), roster, instructor=args.instructor, port=args.port or None,
                   gradebook=args.gradebook)
    passwords = set_passwords(room)
    stop = {"now": False}

    def on_signal(signum: int, frame: object) -> None:
        stop["now"] = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    room.hub.start(fixed_port=bool(args.port))
    print(f"JupyterHub for {room.course.course_id}: {room.hub.url}  (127.0.0.1 only)", flush=True)
    print(f"  instructor {room.instructor.name} (formgrader), {len(room.students)} students; "
          f"passwords in {passwords} (readable by root only)", flush=True)
    print(f"  exchange {room.exchange}; course {room.course.root}. Ctrl-C stops the hub and every server.",
          flush=True)
    try:
        while not stop["now"] and room.hub.proc is not None and room.hub.proc.poll() is None:
            time.sleep(0.5)
    finally:
        room.hub.shutdown([room.instructor.name, *room.students])
    print("hub stopped; users and their work are kept (remove them with 'sim classroom clean "
          f"{room.state}')", flush=True)
    return 0


def _demo(args: argparse.Namespace) -> int:
    from sim.classroom.term import run_demo, summary

    report = run_demo(args.students, Path(args.keep) if args.keep else None, faults=not args.no_faults,
                      gradebook=args.gradebook)
    print(summary(report))
    if args.keep:
        print(f"kept: users, homes and {Path(args.keep).resolve() / 'report.json'} "
              f"(remove with 'sim classroom clean {args.keep}')")
    return 0


def _clean(args: argparse.Namespace) -> int:
    from sim.classroom.room import clean

    removed = clean(Path(args.state))
    print(f"removed {len(removed)} user(s){': ' + ', '.join(removed) if removed else ''} and {args.state}")
    return 0
