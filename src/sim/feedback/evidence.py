"""Evidence a feedback message cites: the key's evidence, the patient's screening answers (with
the instrument's item wording and option labels where the definitions are at hand), what the
patient said (hidden facts) and the chart.
"""
from __future__ import annotations

import re
from functools import partial
from typing import Any

from sim import instruments
from sim.feedback.rubric import keyword_pattern, rubric
from sim.model.case import Case
from sim.model.taxonomy import taxonomy


def pronoun(case: Case) -> str:
    """The patient's subject pronoun ("she", "he", "they"), from ``identity.pronouns``."""
    first = case.patient.identity.pronouns.split("/")[0].strip().lower()
    return first if first in {"she", "he", "they", "ze", "xe"} else "they"


def need_label(domain: str) -> str:
    """Short human label of a need domain, e.g. "Food insecurity" (no parenthesised examples)."""
    domain_def = taxonomy().domains.get(domain)
    label = domain_def.label if domain_def else domain.replace("_", " ").capitalize()
    return label.split(" (")[0]


def risk_label(kind: str) -> str:
    """Human label of a risk, e.g. "Suicide or self-harm"."""
    return taxonomy().risks.get(kind, kind.replace("_", " "))


def _definition(instrument_id: str) -> Any | None:
    """The instrument's definition, or None for an answer set that is not one of the instruments."""
    return instruments.get(instrument_id) if instrument_id in instruments.instrument_ids() else None


def _text(obj: Any, *names: str) -> str | None:
    for name in names:
        value = obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)
        if isinstance(value, str) and value:
            return value
    return None


def _items_of(definition: Any) -> list[Any]:
    items = definition.get("items") if isinstance(definition, dict) else getattr(definition, "items", None)
    if callable(items):  # a dict-like definition's .items method is not a list of questions
        return []
    return list(items or [])


def _option_label(item: Any, definition: Any, value: Any) -> str | None:
    for source in (item, definition):
        options = source.get("options") if isinstance(source, dict) else getattr(source, "options", None)
        if isinstance(options, dict):
            for key, label in options.items():
                if str(key) == str(value) or str(label) == str(value):
                    return str(label) if not isinstance(label, dict | list) else str(key)
        for option in options or []:
            if isinstance(option, str):
                continue
            points = option.get("points", option.get("value")) if isinstance(option, dict) else getattr(
                option, "points", getattr(option, "value", None))
            label = _text(option, "label", "text")
            oid = _text(option, "id")
            if label and (str(points) == str(value) or oid == str(value) or label == str(value)):
                return label
    return None


def _norm(value: object) -> str:
    return str(value).strip().lower().replace("_", " ")


def _position(key: str, fallback: int, item_ids: list[str | None]) -> int:
    if key in item_ids:
        return item_ids.index(key) + 1
    digits = re.search(r"(\d+)$", key)
    return int(digits.group(1)) if digits else fallback


def _salience(numeric_normal: list[int], normal_only: bool, pair: tuple[int, object]) -> tuple[float, int]:
    """Sort key of a (position, answer) pair: numeric answers farthest from normal first, then by position."""
    value = pair[1]
    if isinstance(value, int) and numeric_normal and not normal_only:
        return (-min(abs(value - v) for v in numeric_normal), pair[0])
    return (0, pair[0])


def _answers(case: Case, wanted: dict[str, list[int]], *, normal_only: bool = False) -> list[tuple[str, str]]:
    """Quoted answers as (respondent, clause), e.g. ("patient", "answered 'Often true' to AHC
    HRSN question 3 (...)"); the most telling answers of each instrument first.

    Only answers that point to a problem are quoted, or with ``normal_only`` only those that
    do not (to show a student that the screening contradicts a need they named).
    """
    rules = rubric().evidence
    out: list[tuple[str, str]] = []
    for instrument_id, numbers in wanted.items():
        answers = case.patient.responses.get(instrument_id)
        if not answers:
            continue
        normal_values = rules.normal.get(instrument_id, [])
        normal = {_norm(v) for v in normal_values}
        numeric_normal = [v for v in normal_values if isinstance(v, int)]
        definition = _definition(instrument_id)
        items = _items_of(definition) if definition is not None else []
        name = (_text(definition, "short_name", "abbreviation", "name") if definition is not None else None) \
            or rules.names.get(instrument_id, instrument_id)
        respondent = (_text(definition, "respondent") if definition is not None else None) or "patient"
        item_ids = [_text(i, "id") for i in items]
        pairs: list[tuple[int, object]]
        if isinstance(answers, dict):
            pairs = [(_position(str(k), n, item_ids), v) for n, (k, v) in enumerate(answers.items(), start=1)]
        else:
            pairs = [(n, v) for n, v in enumerate(answers, start=1)]

        for position, value in sorted(pairs, key=partial(_salience, numeric_normal, normal_only)):
            if numbers and position not in numbers:
                continue
            item = items[position - 1] if position <= len(items) else None
            label = _option_label(item, definition, value) if definition is not None else None
            shown = label or str(value)
            if (_norm(value) in normal or _norm(shown) in normal) != normal_only:
                continue
            wording = _text(item, "text", "wording", "prompt", "question") if item is not None else None
            question = f"{name} question {position}" + (f' ("{wording.strip()}")' if wording else "")
            out.append((respondent, f"answered '{shown}' to {question}"))
    return out[: rules.max_answers]


def _compose(case: Case, answers: list[tuple[str, str]], said: list[str]) -> list[str]:
    """Sentence parts: the patient's answers and words under their pronoun, others' apart."""
    own = [clause for who, clause in answers if who == "patient"] + said
    parts = [_join(pronoun(case), own)] if own else []
    for who in dict.fromkeys(w for w, _ in answers if w != "patient"):
        subject = "the caregiver" if who == "caregiver" else f"the {who}"
        parts.append(_join(subject, [clause for w, clause in answers if w == who]))
    return parts


def _said(case: Case, *, need: str | None = None, risk: str | None = None) -> list[str]:
    facts = [f for f in case.hidden_facts
             if (need and f.reveals_need == need) or (risk and f.reveals_risk == risk)]
    return [f'said "{f.statement.strip()}"' for f in facts[:1]]


_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def _chart(case: Case, words: list[str]) -> list[str]:
    if not words:
        return []
    pattern = keyword_pattern(tuple(words))
    notes = [case.chart.physician_note, case.chart.nursing_note, case.referral.reason]
    for note in notes:
        for sentence in _SENTENCE.split(note or ""):
            if pattern.search(sentence):
                return [f'the chart notes "{sentence.strip()}"']
    return []


def _join(subject: str, clauses: list[str]) -> str:
    if not clauses:
        return ""
    if len(clauses) == 1:
        return f"{subject} {clauses[0]}"
    return f"{subject} {', '.join(clauses[:-1])} and {clauses[-1]}"


def cite_need(case: Case, domain: str, key_evidence: str = "") -> str:
    """Evidence for a need in a sentence or two: key evidence, answers, words, chart."""
    answers = _answers(case, rubric().evidence.items.get(domain, {}))
    said = _said(case, need=domain)
    parts = _compose(case, answers, said)
    if not said:
        parts += _chart(case, rubric().need_keywords.get(domain, []))
    if key_evidence:
        parts.append(f"key evidence: {key_evidence.rstrip('.')}")
    return "; ".join(p for p in parts if p)


def cite_absence(case: Case, domain: str) -> str:
    """Screening answers that speak against a need (for a false alarm), or ''."""
    answers = _answers(case, rubric().evidence.items.get(domain, {}), normal_only=True)
    return "; ".join(_compose(case, answers, []))


def cite_risk(case: Case, kind: str, key_evidence: str = "") -> str:
    """Evidence for a risk: answers to the related items, disclosures, the chart, the key."""
    answers = _answers(case, rubric().evidence.risk_items.get(kind, {}))
    said = _said(case, risk=kind)
    parts = _compose(case, answers, said)
    if kind == "readmission":
        med = case.patient.medical
        parts.append(f"the chart shows a {med.length_of_stay_days}-day stay, {med.admission_type} admission, "
                     f"Charlson index {med.charlson_index} and {med.ed_visits_6mo} ED visits in 6 months (LACE)")
    if key_evidence:
        parts.append(f"key evidence: {key_evidence.rstrip('.')}")
    return "; ".join(p for p in parts if p)


def cite_action(case: Case, kind: str) -> str:
    """Why a critical action is needed: the related risk's evidence, or the patient's language."""
    if kind == "interpreter":
        ident = case.patient.identity
        if ident.interpreter_needed:
            return f"{pronoun(case)} speaks {ident.language} and needs an interpreter"
        return ""
    wanted = rubric().evidence.action_risks.get(kind)
    if not wanted:
        return ""
    kinds = [wanted] if isinstance(wanted, str) else list(wanted)
    listed = [r.kind for r in case.key.risks]
    risk = next((k for k in kinds if k in listed), kinds[0])
    key_risk = next((r for r in case.key.risks if r.kind == risk), None)
    return cite_risk(case, risk, key_risk.evidence if key_risk else "")
