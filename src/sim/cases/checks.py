"""Consistency checks a careful reader would make on a case that is valid field by field."""
from __future__ import annotations

from collections import Counter

from sim.cases.problems import Problem
from sim.cases.rules import required_actions
from sim.cases.source import Source
from sim.errors import UnknownNameError
from sim.model.case import Case
from sim.model.taxonomy import need_domains, risk_kinds

PEDIATRIC_MAX_AGE = 21
"""Pediatric services see patients up to 21 (AAP policy on the age limit of pediatrics)."""
ESRD_CODES = ("N18.6", "N186")
"""End-stage renal disease: the one way a child qualifies for Medicare (42 U.S.C. 426-1)."""


def check_case(case: Case, source: Source) -> list[Problem]:
    """Contradictions in ``case``, each located in ``source``."""
    problems: list[Problem] = []
    p = case.patient
    age = p.identity.age

    codes = [p.medical.primary_diagnosis.code, *(d.code for d in p.medical.comorbidities)]
    if age < 18 and p.economics.insurance in ("medicare", "dual") and not any(
            c.upper().startswith(ESRD_CODES) for c in codes):
        problems.append(source.problem(
            ("patient", "economics", "insurance"),
            f"a {age}-year-old on {p.economics.insurance!r}: Medicare covers people 65 or older or "
            "with a qualifying disability, and children only with end-stage renal disease (N18.6) "
            "(got no such diagnosis; allowed for a child: 'medicaid', 'private', 'marketplace', "
            "'uninsured')"))

    if p.medical.setting == "palliative_hospice" and p.medical.prognosis == "good":
        problems.append(source.problem(
            ("patient", "medical", "prognosis"),
            "setting 'palliative_hospice' with prognosis 'good' contradicts itself "
            "(allowed here: 'guarded', 'poor', 'terminal_months', 'terminal_weeks')"))

    if p.medical.setting == "maternity" and p.identity.sex == "male":
        problems.append(source.problem(
            ("patient", "identity", "sex"),
            "setting 'maternity' with sex 'male' contradicts itself (allowed here: 'female', 'intersex'; "
            "a trans man who gave birth has sex 'female' and gender_identity 'man')"))
    if p.medical.setting == "pediatrics_nicu" and age > PEDIATRIC_MAX_AGE:
        problems.append(source.problem(
            ("patient", "identity", "age"),
            f"setting 'pediatrics_nicu' with a {age}-year-old patient (allowed: ages 0 to {PEDIATRIC_MAX_AGE}; "
            "a parent of a NICU baby is not the patient)"))
    problems += _check_county(case, source)
    if p.identity.interpreter_needed and p.identity.language.strip().lower() == "english":
        problems.append(source.problem(
            ("patient", "identity", "interpreter_needed"),
            "interpreter_needed is true but language is 'English' (name the language interpreted, "
            "e.g. 'Spanish' or 'American Sign Language')"))

    if (p.identity.interpreter_needed and p.identity.language.strip().lower() != "english"
            and "interpreter" not in {a.kind for a in case.key.critical_actions}):
        problems.append(source.problem(
            ("patient", "identity", "interpreter_needed"),
            "interpreter_needed is true but key.critical_actions has no 'interpreter' action; add "
            "{kind: interpreter, description: ...} (language access is a critical action)"))

    from sim.generate.assemble import reference_date

    reference = reference_date()
    dob = p.identity.date_of_birth
    on_reference = reference.year - dob.year - ((reference.month, reference.day) < (dob.month, dob.day))
    if abs(on_reference - age) > 1:
        problems.append(source.problem(
            ("patient", "identity", "age"),
            f"age {age} does not match date_of_birth {dob.isoformat()} (that birth date makes the patient "
            f"{on_reference} on {reference.isoformat()}, the reference date of the case world; allowed: "
            f"{max(0, on_reference - 1)} to {on_reference + 1})"))

    for i, member in enumerate(p.family):
        if member.id == p.id:
            problems.append(source.problem(
                ("patient", "family", i, "id"),
                f"family member has the patient's own id {member.id!r}; the patient is not their own relative"))
        elif not member.living and (member.lives_with_patient or member.role == "caregiver"):
            what = "lives with the patient" if member.lives_with_patient else "is the caregiver"
            problems.append(source.problem(
                ("patient", "family", i, "living"),
                f"{member.name} is not living but {what} (allowed for a deceased relative: "
                "lives_with_patient false and a role other than caregiver)"))
        elif member.role == "caregiver" and member.name.strip().lower() == p.identity.name.lower():
            problems.append(source.problem(
                ("patient", "family", i, "name"),
                f"the caregiver is the patient (got name {member.name!r}); name another person "
                "or set role to something else"))

    counts = Counter(f.id for f in case.hidden_facts)
    seen: set[str] = set()
    for i, fact in enumerate(case.hidden_facts):
        if counts[fact.id] > 1 and fact.id in seen:
            problems.append(source.problem(("hidden_facts", i, "id"),
                                           f"hidden fact id {fact.id!r} is used more than once; ids must be unique"))
        seen.add(fact.id)
        revealed = (("reveals_need", "need", "need domain", fact.reveals_need, need_domains(),
                     {n.domain for n in case.key.needs}),
                    ("reveals_risk", "risk", "risk", fact.reveals_risk, risk_kinds(), {r.kind for r in case.key.risks}))
        for field, what, kind, value, known, in_key in revealed:
            if value is None:
                continue
            if value not in known:
                problems.append(source.problem(("hidden_facts", i, field), str(UnknownNameError(kind, value, known))))
            elif value not in in_key:
                problems.append(source.problem(
                    ("hidden_facts", i, field),
                    f"reveals {what} {value!r}, which key.{what}s does not list "
                    f"(key.{what}s: {', '.join(sorted(in_key)) or 'none'})"))
        if fact.crisis is not None:
            have = {a.kind for a in case.key.critical_actions}
            need = required_actions(fact.crisis)
            missing = [k for k in need if k not in have]
            if missing:
                problems.append(source.problem(
                    ("hidden_facts", i, "crisis"),
                    f"crisis {fact.crisis!r} needs critical actions {', '.join(need)} in key.critical_actions "
                    f"(missing: {', '.join(missing)})"))

    problems += _check_responses(case, source)

    domain_counts = Counter(n.domain for n in case.key.needs)
    for i, key_need in enumerate(case.key.needs):
        if domain_counts[key_need.domain] > 1:
            problems.append(source.problem(("key", "needs", i, "domain"),
                                           f"need domain {key_need.domain!r} is listed more than once in the key"))
            domain_counts[key_need.domain] = 0  # report once
    return problems


def _check_county(case: Case, source: Source) -> list[Problem]:
    """The patient's county is one the community resource directory serves: a county it does not
    know would leave every county-limited programme (respite, adult day, local agencies) closed."""
    from sim.practice.resources import counties, known_county

    county = case.patient.address.county
    if known_county(county):
        return []
    return [source.problem(("patient", "address", "county"), (
        f"{UnknownNameError('county', county, counties())} (the generator's counties, the ones the "
        "community resource directory serves; in any other county no local resource is open to the patient)"))]


def _check_responses(case: Case, source: Source) -> list[Problem]:
    """Each screening answer set names a known instrument and scores under its published rule."""
    from sim.errors import SimError
    from sim.instruments import ContextError, instrument_ids, score

    problems: list[Problem] = []
    known = list(instrument_ids())
    sex = case.patient.identity.sex
    for name, answers in case.patient.responses.items():
        where = ("patient", "responses", name)
        if name not in known:
            problems.append(source.problem(where, str(UnknownNameError("instrument", name, known))))
            continue
        try:
            score(name, answers, **({"sex": sex} if name == "auditc" and sex in ("female", "male") else {}))
        except ContextError:
            continue  # e.g. AUDIT-C for an intersex patient: the cut-off needs a sex the case does not give
        except SimError as exc:
            problems.append(source.problem(where, str(exc)))
    return problems
