"""``sim patient``: print one synthetic patient as JSON or Markdown."""
from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

from sim.cli import Subparsers

if TYPE_CHECKING:
    from sim.model import Patient


def register(subparsers: Subparsers) -> None:
    """Add ``sim patient --seed N [--format json|markdown] [constraints]``."""
    parser = subparsers.add_parser("patient", help="print one synthetic patient (JSON or Markdown)",
                                   description="Generate one synthetic patient from a seed and print it.")
    parser.add_argument("--seed", required=True, metavar="N", help="seed (whole number 0 or more)")
    parser.add_argument("--format", choices=["json", "markdown"], default="json", help="output (default json)")
    parser.add_argument("--setting", metavar="NAME", help="practice setting, e.g. emergency, med_surg, icu")
    parser.add_argument("--age-range", nargs=2, type=int, metavar=("LO", "HI"), help="ages LO to HI, 0-110")
    parser.add_argument("--sex", metavar="SEX", help="female, male or intersex")
    parser.add_argument("--insurance", metavar="PLAN",
                        help="medicare, medicaid, dual, private, marketplace, va or uninsured")
    parser.add_argument("--language", metavar="LANGUAGE", help="preferred language, e.g. Spanish")
    parser.add_argument("--need", action="append", metavar="DOMAIN", help="a need that must be present (repeatable)")
    parser.add_argument("--risk", action="append", metavar="KIND", help="a risk that must be present (repeatable)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Handle ``sim patient``: generate one patient and print it."""
    from sim.cli.cohort import _whole
    from sim.generate import generate_patient

    seed = _whole("--seed", args.seed, 0, "a whole number 0 or more, e.g. --seed 42")
    constraints: dict[str, object] = {}
    for key in ("setting", "sex", "insurance", "language"):
        if getattr(args, key):
            constraints[key] = getattr(args, key)
    if args.age_range:
        constraints["age_range"] = tuple(args.age_range)
    if args.need:
        constraints["needs"] = list(args.need)
    if args.risk:
        constraints["risks"] = list(args.risk)
    patient = generate_patient(seed, **constraints)
    text = patient.model_dump_json(indent=2) if args.format == "json" else to_markdown(patient)
    try:
        print(text)
        sys.stdout.flush()
    except BrokenPipeError:  # e.g. `sim patient ... | head`: the reader left, not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


def to_markdown(p: Patient) -> str:
    """A short Markdown summary of a patient (for a quick look; lessons render their own)."""
    i, e, m = p.identity, p.economics, p.medical
    lines = [
        f"# {i.name} (synthetic patient {p.id})",
        "",
        f"- {i.age}-year-old {i.gender_identity} ({i.pronouns}), {i.race}, {i.ethnicity}; language {i.language}"
        + (" (interpreter needed)" if i.interpreter_needed else ""),
        f"- Setting: {m.setting}; {m.admission_type} admission; {m.primary_diagnosis.code} "
        f"{m.primary_diagnosis.label}; prognosis {m.prognosis}",
        f"- Charlson {m.charlson_index}, length of stay {m.length_of_stay_days} d, ED visits (6 mo) {m.ed_visits_6mo}",
        f"- ADL help: {', '.join(m.functional_status.adl_dependent) or 'none'}; "
        f"IADL help: {', '.join(m.functional_status.iadl_dependent) or 'none'}",
        f"- Insurance {e.insurance}; household of {e.household_size}, income ${e.household_income:,} "
        f"({e.fpl_percent}% FPL); {e.employment}",
        "",
        "## Needs",
        *[f"- {n.domain}: severity {n.severity} ({n.evidence})" for n in p.profile.needs],
        "",
        "## Risks",
        *([f"- {r.kind}: {r.level}" for r in p.profile.risks] or ["- none identified"]),
        "",
        "## Family and household",
        *[f"- {f.name}, {f.relation}, {f.age}{'' if f.living else ' (deceased)'}"
          f"{', lives with patient' if f.lives_with_patient else ''}; {f.role}, {f.relationship_quality}"
          for f in p.family],
    ]
    return "\n".join(lines)
