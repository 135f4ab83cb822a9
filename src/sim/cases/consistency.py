"""Consistency a case needs beyond its fields: screening answers against the latent state and
the chart, the key against the patient's profile and the case rules, the library's conventions.

These are the checks the library's tests make on every shipped case; :func:`sim.cases.validate_file`
runs them on any case, so an author needs nothing else. Each problem is located in the file and
says what would be right.
"""
from __future__ import annotations

import re
from collections import Counter
from typing import Any

from sim.cases.problems import Problem
from sim.cases.rules import case_rules
from sim.cases.source import FieldPath, Source
from sim.model.case import Case

BANDED = {"phq9": "depression", "gad7": "anxiety"}
"""Instruments whose band is the latent level (band 0 = level 0), as the generator synthesizes them."""
POSITIVE_FROM = {"auditc": "alcohol", "hits": "ipv"}
"""Instruments positive exactly when the latent level reaches the first level the synthesis
tables put above the cut-off (:func:`sim.instruments.positive_from_level`: AUDIT-C from 2,
hazardous use; HITS from 1, any violence the patient lives with)."""
FUNCTIONAL = {"katz_adl": ("adl_dependent", "adl_dependencies"), "lawton_iadl": ("iadl_dependent", "iadl_dependencies")}
MIN_CRISIS_RAPPORT = 35
"""A crisis is disclosed only with some rapport (teaching assumption of the library)."""
ONE_STRENGTH = [(re.compile(r"glucagon.*nasal|nasal.*glucagon", re.I), "3 mg")]
"""Products sold in one strength only (nasal glucagon: Baqsimi label, FDA 2019/2023)."""
FRACTURE_TYPES = ("transverse", "oblique", "spiral", "comminuted", "segmental")


def _written(source: Source, path: FieldPath) -> bool:
    """Whether the file itself gives ``path`` (not the generator)."""
    node: Any = source.data
    for part in path:
        if isinstance(node, dict) and part in node:
            node = node[part]
        else:
            return False
    return True


def check_consistency(case: Case, source: Source) -> list[Problem]:
    """Every contradiction between the parts of ``case``, located in ``source``."""
    return [*_screening(case, source), *_functional(case, source), *_profile(case, source),
            *_key_places(case, source), *_case_rules(case, source), *_chart(case, source),
            *_charlson(case, source)]


def _charlson(case: Case, source: Source) -> list[Problem]:
    """The Charlson index is the one the diagnosis codes give (Quan et al. 2005 code lists); a
    cancer with a poor or terminal prognosis may also count as metastatic (the generator's rule)."""
    from sim.generate.medical import charlson_index

    m = case.patient.medical
    codes = [m.primary_diagnosis.code, *(c.code for c in m.comorbidities)]
    by_codes = charlson_index(codes)
    allowed = {by_codes, charlson_index(codes, m.prognosis)}
    if m.charlson_index in allowed:
        return []
    return [source.problem(("patient", "medical", "charlson_index"), (
        f"charlson_index is {m.charlson_index}, but the codes {', '.join(codes)} give {by_codes} (Charlson "
        f"weights of Quan et al. 2005): write {by_codes}, add the comorbidity codes that justify "
        f"{m.charlson_index}, or in a template write charlson_index: {{from_codes: true}}"))]


def _screening(case: Case, source: Source) -> list[Problem]:
    from sim.instruments import get, positive_from_level, score

    problems: list[Problem] = []
    p = case.patient
    for name, answers in p.responses.items():
        where = ("patient", "responses", name)
        if not isinstance(answers, list):
            continue
        if name in BANDED:
            latent = BANDED[name]
            if not (_written(source, where) or _written(source, ("patient", "latent", latent))):
                continue
            bands = [b.label for b in get(name).bands]
            result = score(name, answers)
            level = getattr(p.latent, latent)
            if result.band in bands and bands.index(result.band) != level and level < len(bands):
                want = get(name).bands[level]
                problems.append(source.problem(where, (
                    f"{get(name).short_name or name} answers total {result.total} ({result.band!r}), but "
                    f"latent.{latent} is {level} ({want.label!r}): make the answers total {want.min} to "
                    f"{want.max} or set latent.{latent}: {bands.index(result.band)}")))
        if name == "phq9" and len(answers) == 9 and (answers[8] > 0) != (p.latent.suicide > 0):
            problems.append(source.problem(where, (
                f"PHQ-9 item 9 (thoughts of death or self-harm) is {answers[8]} but latent.suicide is "
                f"{p.latent.suicide}: item 9 is above 0 exactly when latent.suicide is above 0")))
        if name in POSITIVE_FROM:
            latent = POSITIVE_FROM[name]
            if not (_written(source, where) or _written(source, ("patient", "latent", latent))):
                continue
            kwargs = {"sex": p.identity.sex} if name == "auditc" and p.identity.sex in ("female", "male") else {}
            if name == "auditc" and not kwargs:
                continue
            threshold = positive_from_level(name, kwargs.get("sex"))
            positive = score(name, answers, **kwargs).positive
            level = getattr(p.latent, latent)
            if positive != (level >= threshold):
                problems.append(source.problem(where, (
                    f"{name} answers screen {'positive' if positive else 'negative'}, but latent.{latent} is "
                    f"{level}: the screen is positive exactly when latent.{latent} is {threshold} or more")))
    return problems


def _functional(case: Case, source: Source) -> list[Problem]:
    from sim.instruments import get

    problems: list[Problem] = []
    p = case.patient
    fs = p.medical.functional_status
    for name, (listed, latent) in FUNCTIONAL.items():
        dependent = list(getattr(fs, listed))
        if getattr(p.latent, latent) != len(dependent):
            problems.append(source.problem(("patient", "latent", latent), (
                f"latent.{latent} is {getattr(p.latent, latent)} but functional_status.{listed} lists "
                f"{len(dependent)} ({', '.join(dependent) or 'none'}): set latent.{latent}: {len(dependent)}")))
        answers = p.responses.get(name)
        if not isinstance(answers, list):
            continue
        items = [i.id for i in get(name).items]
        said = [i for i, v in zip(items, answers, strict=False) if v == 0]
        charted = [i for i in items if i in dependent]
        if said != charted:
            problems.append(source.problem(("patient", "responses", name), (
                f"{get(name).short_name or name} answers say dependent (0) for {', '.join(said) or 'nothing'}, but "
                f"functional_status.{listed} lists {', '.join(charted) or 'nothing'}: answer 0 exactly for "
                f"{', '.join(charted) or 'no item'} (items in order: {', '.join(items)}), or change "
                f"functional_status.{listed}")))
    return problems


def _profile(case: Case, source: Source) -> list[Problem]:
    problems: list[Problem] = []
    p = case.patient
    dv = p.profile.need("domestic_violence")
    if (p.latent.ipv > 0) != bool(dv and dv.severity > 0):
        problems.append(source.problem(("patient", "latent", "ipv"), (
            f"latent.ipv is {p.latent.ipv} but the profile's domestic_violence need is "
            f"{dv.severity if dv else 'absent'}: latent.ipv is above 0 exactly when that need is")))
    if p.latent.suicide > 0 and p.profile.risk("suicide") is None:
        problems.append(source.problem(("patient", "latent", "suicide"), (
            f"latent.suicide is {p.latent.suicide} but profile.risks has no suicide risk: add "
            "{kind: suicide, level: ..., evidence: ...} or set latent.suicide: 0")))
    profile_needs = {n.domain: n.severity for n in p.profile.needs if n.severity > 0}
    key_needs = {n.domain: n.severity for n in case.key.needs}
    for domain, severity in profile_needs.items():
        if key_needs.get(domain) != severity:
            problems.append(source.problem(("key", "needs"), (
                f"the profile has need {domain!r} at severity {severity} but key.needs "
                + (f"gives severity {key_needs[domain]}" if domain in key_needs else "leaves it out")
                + f": list {{domain: {domain}, severity: {severity}, evidence: ...}}")))
    for i, need in enumerate(case.key.needs):
        if need.domain not in profile_needs:
            problems.append(source.problem(("key", "needs", i, "domain"), (
                f"key.needs lists {need.domain!r}, which the patient's profile does not have: add it to "
                "patient.profile.needs or remove it from the key")))
    profile_risks = {r.kind for r in p.profile.risks}
    for i, risk in enumerate(case.key.risks):
        if risk.kind not in profile_risks:
            problems.append(source.problem(("key", "risks", i, "kind"), (
                f"key.risks lists {risk.kind!r}, which patient.profile.risks does not: add it there or "
                "remove it from the key")))
    return problems


def _key_places(case: Case, source: Source) -> list[Problem]:
    problems: list[Problem] = []
    key = case.key
    seen: dict[str, str] = {}
    for part in ("recommended", "acceptable"):
        for i, item in enumerate(getattr(key, part)):
            if item.intervention in seen:
                problems.append(source.problem(("key", part, i, "intervention"), (
                    f"{item.intervention!r} is already in key.{seen[item.intervention]}: an intervention has one "
                    "place in the key (recommended or acceptable)")))
            seen.setdefault(item.intervention, part)
    acts: Counter[tuple[Any, ...]] = Counter()
    for i, item in enumerate(key.contraindicated):
        act = (item.intervention, item.variant, tuple(item.with_discharge), tuple(item.unless_actions),
               tuple(item.aimed_at))
        acts[act] += 1
        if acts[act] == 2:
            problems.append(source.problem(("key", "contraindicated", i), (
                f"the contraindicated act {item.intervention!r} is listed twice with the same conditions")))
        if not item.conditional and item.intervention in seen:
            problems.append(source.problem(("key", "contraindicated", i, "intervention"), (
                f"{item.intervention!r} is contraindicated in every form but also in key.{seen[item.intervention]}: "
                "name the harmful act (variant, with_discharge, unless_actions or aimed_at) or drop one entry")))
    for i, fact in enumerate(case.hidden_facts):
        if fact.crisis and fact.min_rapport < MIN_CRISIS_RAPPORT:
            problems.append(source.problem(("hidden_facts", i, "min_rapport"), (
                f"a crisis ({fact.crisis}) disclosed at rapport {fact.min_rapport}: a patient speaks of a crisis "
                f"only with some trust; give min_rapport {MIN_CRISIS_RAPPORT} or more")))
    return problems


def _case_rules(case: Case, source: Source) -> list[Problem]:
    """The key recommends nothing the case rules contraindicate for this patient; where the rule
    forbids one form of it (until an action is taken, or aimed at someone), the key must also list
    that harmful act under ``contraindicated`` so that the grading can tell the two apart."""
    problems: list[Problem] = []
    key = case.key
    for rule in case_rules().contraindications:
        if not rule.when.matches(case.patient):
            continue
        named = [k for k in key.contraindicated if k.intervention == rule.intervention]
        for part in ("recommended", "acceptable"):
            for i, item in enumerate(getattr(key, part)):
                if item.intervention != rule.intervention:
                    continue
                if rule.unless_actions or rule.aimed_at:
                    if named:
                        continue  # the key names the harmful act, so the grading tells it from the safe one
                    what = (f"add a contraindicated entry naming the act (e.g. {{intervention: {rule.intervention}, "
                            f"unless_actions: [{', '.join(rule.unless_actions)}], rationale: ...}}) and the "
                            f"critical action{'s' if len(rule.unless_actions) > 1 else ''} "
                            f"{', '.join(rule.unless_actions) or ''}")
                else:
                    what = "remove it from the key or move it to key.contraindicated"
                problems.append(source.problem(("key", part, i, "intervention"), (
                    f"key.{part} has {rule.intervention!r}, which the case rules contraindicate for this patient "
                    f"({' '.join(rule.rationale.split())}): {what}")))
    return problems


def _lace(case: Case) -> int:
    """LACE index (van Walraven et al. 2010) from the chart, as published."""
    m = case.patient.medical
    los = m.length_of_stay_days
    l_points = 0 if los < 1 else los if los <= 3 else 4 if los <= 6 else 5 if los <= 13 else 7
    a_points = 3 if m.admission_type == "emergent" else 0
    c_points = m.charlson_index if m.charlson_index <= 3 else 5
    return l_points + a_points + c_points + min(m.ed_visits_6mo, 4)


def _chart(case: Case, source: Source) -> list[Problem]:
    problems: list[Problem] = []
    lace = _lace(case)
    for quoted in sorted({int(n) for n in re.findall(r"LACE (\d+)", case.model_dump_json())} - {lace}):
        problems.append(source.problem(("chart",), (
            f"the case quotes LACE {quoted}, but its chart (length of stay, admission, Charlson index, ED "
            f"visits) gives LACE {lace}: quote LACE {lace} or change the chart")))
    for i, line in enumerate(case.chart.medications):
        for pattern, strength in ONE_STRENGTH:
            if pattern.search(line) and strength not in line:
                problems.append(source.problem(("chart", "medications", i), (
                    f"{line!r}: this product comes in one strength only; write {strength}")))
    med = case.patient.medical
    described = [t for t in FRACTURE_TYPES if t in case.chart.physician_note.lower()]
    for dx in [med.primary_diagnosis, *med.comorbidities]:
        if described and dx.label.lower().startswith("unspecified fracture"):
            problems.append(source.problem(("patient", "medical"), (
                f"{dx.code} {dx.label!r} is coded unspecified, but the chart describes a {described[0]} "
                "fracture: use the ICD-10-CM code of that fracture")))
    return problems
