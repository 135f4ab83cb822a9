"""``sim interview CASE``: interview a case's synthetic patient in the terminal.

Numbered questions of the current topic; type a number to ask it, or type what you would say
in your own words (it is read by :func:`sim.interview.classify` and the reading is shown); ``t``
to change topic, ``a`` for actions, ``e`` to end (also at end of input). ``--script`` runs
question and action ids given on the command line instead, and ``--say`` typed words, for
demonstrations and tests.
"""
from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, TextIO

from sim.cli import Subparsers
from sim.errors import SimError

if TYPE_CHECKING:
    from sim.interview import Interview

HELP = ("number: ask that question | or type your own words | t: change topic | a: actions | e: end | "
        "?: help")


def register(subparsers: Subparsers) -> None:
    """Add the ``interview`` command."""
    parser = subparsers.add_parser(
        "interview", help="interview a case's synthetic patient in the terminal",
        description="Interview the synthetic patient of a case: numbered questions by topic; "
                    "type a number to ask. " + HELP)
    parser.add_argument("case", metavar="CASE", help="case file or library id")
    parser.add_argument("--seed", type=int, default=0, help="decides the wording of replies (default 0)")
    parser.add_argument("--budget", type=int, default=None, metavar="MINUTES", help="time budget (default 45)")
    parser.add_argument("--script", default=None, metavar="IDS",
                        help="comma-separated question ids (general.open.1, ...) and action ids "
                             "(use_interpreter, private_setting, ...) to run without prompting; "
                             "--list shows them")
    parser.add_argument("--say", action="append", default=None, metavar="WORDS",
                        help="typed words to say to the patient after the --script ids (repeat for more)")
    parser.add_argument("--list", action="store_true",
                        help="list the question and action ids a --script may use, and exit")
    parser.add_argument("--transcript", action="store_true", help="print the Markdown transcript at the end")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, stdin: TextIO | None = None, out: TextIO | None = None) -> int:
    """Handler: load the case, run the interview (scripted or interactive), print feedback."""
    from sim.cases import load_case
    from sim.interview import start
    from sim.model.blocks import to_text

    stdin, out = stdin or sys.stdin, out or sys.stdout
    case = load_case(args.case)
    iv = start(case, seed=args.seed, budget_minutes=args.budget)
    if getattr(args, "list", False):
        _list_ids(iv, out)
        return 0
    script = None
    said = getattr(args, "say", None)
    if args.script is not None or said:
        script = [s.strip() for s in (args.script or "").split(",") if s.strip()]
        _check_script(iv, script)
        from sim.interview.classifier import check_text

        script += [_SAY + check_text(text) for text in said or []]  # refuse unusable words before anything runs
    print(f"{iv.title}\n(synthetic patient: a simulation, not a real person)\n", file=out)
    print(f"Patient: {iv.opening}\n", file=out)
    if script is not None:
        run_script(iv, script, out)
    else:
        _interactive(iv, stdin, out)
    iv.end()
    print("\n" + to_text(iv.feedback()), end="", file=out)
    if args.transcript:
        print("\n" + iv.transcript_markdown(), file=out)
    return 0


_SAY = "\0say:"


def _step(iv: Interview, ident: str, out: TextIO) -> None:
    if ident.startswith(_SAY):
        _say(iv, ident.removeprefix(_SAY), out)
    elif ident in iv.actions():
        print(f"[{iv.act(ident).message}]", file=out)
    else:
        question = next((q for q in iv.questions() if q.id == ident), None)
        reply = iv.ask(ident)
        print(f"You: {question.text if question else ident}", file=out)
        print(f"Patient ({reply.emotion}): {reply.text}", file=out)
    print(f"  rapport {iv.rapport}/100, {iv.minutes_used} of {iv.budget_minutes} min", file=out)


def _say(iv: Interview, text: str, out: TextIO) -> None:
    """Say typed words; print the reply and how the words were read."""
    reply = iv.ask_text(text)
    turn = iv.transcript[-1]
    print(f"You: {turn.typed}", file=out)
    if turn.reading is not None:
        heard = " (the patient did not follow)" if turn.kind == "unclear" else ""
        print(f"  [read as {turn.reading.description}, confidence {turn.reading.confidence:.2f}{heard}]", file=out)
    print(f"Patient ({reply.emotion}): {reply.text}", file=out)


class UnknownScriptIdError(SimError):
    """A ``--script`` id is neither a question id nor an action id."""


def _check_script(iv: Interview, ids: list[str]) -> None:
    """Refuse a script with an unknown id before anything runs."""
    from sim.errors import did_you_mean
    from sim.interview import question_bank

    known = [*question_bank(), *iv.actions()]
    for ident in ids:
        if ident not in known:
            raise UnknownScriptIdError(
                f"unknown --script id {ident!r}{did_you_mean(ident, known)}; allowed: question ids "
                f"such as 'general.open.1' and action ids ({', '.join(iv.actions())}); "
                "'sim interview CASE --list' shows them all")


def _list_ids(iv: Interview, out: TextIO) -> None:
    """Print the action ids and the question ids, by topic, that a ``--script`` may use."""
    from sim.model.taxonomy import taxonomy

    print("Actions:", file=out)
    for ident, label in iv.actions().items():
        print(f"  {ident:24s} {label}", file=out)
    for topic in ["general", *taxonomy().domains]:
        questions = iv.questions(domain=topic)
        if questions:
            print(f"\nQuestions, {topic}:", file=out)
            for q in questions:
                print(f"  {q.id:36s} {q.text}", file=out)


def run_script(iv: Interview, ids: list[str], out: TextIO) -> list[str]:
    """Run the script; when the time budget runs out, say which steps were not reached.

    Returns:
        The action ids of the script that the time budget left no room for.
    """
    from sim.interview import TimeBudgetError

    for index, ident in enumerate(ids):
        try:
            _step(iv, ident, out)
        except TimeBudgetError as exc:  # the interview is over, as in a real one: feedback follows
            print(f"! {exc}; the rest of the script is not run", file=out)
            return report_unreached(iv, ids[index:], out)
    return []


def report_unreached(iv: Interview, ids: list[str], out: TextIO) -> list[str]:
    """Print the actions and questions a script did not reach in time; return the action ids."""
    actions = [i for i in ids if i in iv.actions()]
    said = [i for i in ids if i.startswith(_SAY)]
    questions = [i for i in ids if i not in actions and i not in said]
    for action in actions:
        print(f"! not reached in time: action {action} ({iv.actions()[action]})", file=out)
    if questions:
        print(f"! not reached in time: {len(questions)} question(s): {', '.join(questions)}", file=out)
    if said:
        print(f"! not reached in time: {len(said)} typed line(s)", file=out)
    if actions:
        print(f"! {len(actions)} action(s) of the script were not taken; put actions earlier in the script "
              f"or give a longer --budget (now {iv.budget_minutes} minutes)", file=out)
    return actions


def _interactive(iv: Interview, stdin: TextIO, out: TextIO) -> None:
    from sim.model.taxonomy import taxonomy

    topics = ["general", *taxonomy().domains]
    topic = "general"
    print(HELP, file=out)
    while True:
        questions = iv.questions(domain=topic)
        print(f"\nTopic: {topic}", file=out)
        for n, q in enumerate(questions, start=1):
            print(f"  {n:2d}. ({q.style}) {q.text}", file=out)
        line = _read(stdin, out, "> ")
        if line is None or line in ("e", "q", "end", "quit"):
            return
        try:
            if line == "?":
                print(HELP, file=out)
            elif line == "t":
                for n, name in enumerate(topics, start=1):
                    print(f"  {n:2d}. {name}", file=out)
                topic = topics[_choose(_read(stdin, out, "topic> "), len(topics))]
            elif line == "a":
                names = list(iv.actions())
                for n, name in enumerate(names, start=1):
                    print(f"  {n:2d}. {iv.actions()[name]}", file=out)
                _step(iv, names[_choose(_read(stdin, out, "action> "), len(names))], out)
            elif line.isdigit():
                _step(iv, questions[_choose(line, len(questions))].id, out)
            else:
                _step(iv, _SAY + line, out)
        except SimError as exc:
            print(f"! {exc}", file=out)


class _ChoiceError(SimError):
    """A menu choice is not one of the numbers shown."""


def _choose(line: str | None, count: int) -> int:
    if line is None or not line.isdigit() or not 1 <= int(line) <= count:
        raise _ChoiceError(f"choose a number from 1 to {count}, not {line!r}")
    return int(line) - 1


def _read(stdin: TextIO, out: TextIO, prompt: str) -> str | None:
    print(prompt, end="", file=out, flush=True)
    line = stdin.readline()
    return line.strip() if line else None
