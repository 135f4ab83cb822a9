"""``sim instruments``: list the screening instruments, show one, or score a set of answers."""
from __future__ import annotations

import argparse

from sim.cli import Subparsers, missing_subcommand


def register(subparsers: Subparsers) -> None:
    """Add ``sim instruments {list,show,score}``."""
    parser = subparsers.add_parser("instruments", help="screening instruments: list, show, score",
                                   description="Screening instruments (PHQ-9, GAD-7, AUDIT-C, ...).")
    sub = parser.add_subparsers(dest="action", metavar="ACTION", parser_class=type(parser))
    parser.set_defaults(handler=missing_subcommand(parser, sub))
    sub.add_parser("list", help="list the instruments").set_defaults(handler=_list)
    show = sub.add_parser("show", help="what an instrument asks and how it is scored")
    show.add_argument("instrument_id", metavar="ID", help="instrument id, e.g. phq9 (sim instruments list)")
    show.set_defaults(handler=_show)
    score = sub.add_parser(
        "score", help="score answers: item points in order (phq9 0 1 2 ...) or question=option "
        "pairs (ahc_hrsn q1=steady ...; cssrs_screener q1=yes ...); lace los_days=4 ...")
    score.add_argument("instrument_id", metavar="ID", help="instrument id, e.g. phq9 (sim instruments list)")
    score.add_argument("answers", nargs="*", metavar="ANSWER",
                       help="item points in order (0 1 2 ...) or question=option pairs (q1=steady ...)")
    score.add_argument("--sex", choices=["female", "male"], help="AUDIT-C cut-off")
    score.add_argument("--recency", choices=["past_month", "past_3_months", "lifetime"],
                       help="C-SSRS: when the suicidal behaviour (q6) happened")
    score.set_defaults(handler=_score)



def _list(args: argparse.Namespace) -> int:
    from sim.instruments import list_instruments
    from sim.instruments.describe import scoring_summary

    for defn in list_instruments():
        print(f"{defn.id:<15} {defn.short_name:<16} {len(defn.items) or len(defn.components):>2} "
              f"{'items' if defn.items else 'parts'}  {scoring_summary(defn)}")
    return 0


def _show(args: argparse.Namespace) -> int:
    from sim.instruments import get
    from sim.instruments.describe import describe

    print(describe(get(args.instrument_id)))
    return 0


def _score(args: argparse.Namespace) -> int:
    from sim.cli import UsageError
    from sim.instruments import ContextError, get, score

    defn = get(args.instrument_id)
    context: dict[str, object] = {}
    if args.sex:
        context["sex"] = args.sex
    if args.recency:
        context["recency"] = args.recency
    if defn.kind == "summed":
        try:
            responses: object = [int(a) for a in args.answers]
        except ValueError:
            raise UsageError(f"{defn.id} takes item points as whole numbers, got {args.answers}") from None
        try:
            result = score(defn.id, responses, **context)
        except ContextError as exc:  # the Python keyword (sex=) is the --sex option here
            raise UsageError(f"{exc} (on the command line: --sex female or --sex male)") from None
    else:
        pairs: dict[str, str | list[str]] = {}
        for token in args.answers:
            key, sep, value = token.partition("=")
            if not sep:
                raise UsageError(f"{defn.id} takes question=option pairs, got {token!r}")
            earlier = pairs.get(key)
            if isinstance(earlier, list):
                earlier.append(value)
            elif earlier is not None:
                pairs[key] = [earlier, value]
            else:
                pairs[key] = value
        if defn.kind == "lace":
            values = {k: (_yes_no(k, v) if k == "emergent" else _number(v)) for k, v in pairs.items()}
            result = score(defn.id, **values)
        else:
            result = score(defn.id, pairs, **context)
    print(result.summary())
    for step in result.next_steps:
        print(f"next step: {step}")
    return 0


def _yes_no(key: str, text: object) -> bool:
    from sim.cli import UsageError

    value = str(text).lower()
    if value not in ("yes", "no", "true", "false", "1", "0"):
        raise UsageError(f"{key}= takes yes or no, got {text!r}")
    return value in ("yes", "true", "1")


def _number(text: object) -> object:
    try:
        return float(str(text)) if "." in str(text) else int(str(text))
    except ValueError:
        return text
