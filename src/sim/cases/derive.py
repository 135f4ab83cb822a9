"""A case for any generated patient: referral, chart, opening, hidden facts and key.

All domain knowledge (texts, crisis paths and their critical actions, contraindications,
dispositions, competencies) comes from ``sim/data/case_rules.yaml`` and the need taxonomy; this
module only assembles it. The result is deterministic: the same patient gives the same case.
"""
from __future__ import annotations

from typing import Any

from sim.cases.rules import CaseRules, active_crises, adl_count, case_rules, fill
from sim.model import Patient
from sim.model.case import (
    Case,
    CaseKey,
    ChartExcerpt,
    CollateralContact,
    CriticalAction,
    HiddenFact,
    KeyDisposition,
    KeyIntervention,
    KeyNeed,
    KeyRisk,
    Referral,
)
from sim.model.patient import FamilyMember, Need
from sim.model.taxonomy import taxonomy

_OUTPATIENT = ("outpatient",)


def _sorted_needs(patient: Patient) -> list[Need]:
    order = {d: i for i, d in enumerate(taxonomy().domains)}
    return sorted((n for n in patient.profile.needs if n.severity > 0),
                  key=lambda n: (-n.severity, order[n.domain]))


def _proxy(patient: Patient, rules: CaseRules) -> FamilyMember | None:
    """The parent or guardian who speaks for a young child, or None when the patient speaks."""
    if patient.identity.age >= rules.proxy_below_age:
        return None
    adults = [m for m in patient.family if m.living and m.age >= 18]
    return next((m for m in adults if m.role == "caregiver"), adults[0] if adults else None)


def _collateral_member(patient: Patient, exclude: FamilyMember | None = None) -> FamilyMember | None:
    living = [m for m in patient.family if m.living and m.relationship_quality != "cut_off" and m.age >= 12
              and m is not exclude]
    for role in ("caregiver", "support"):
        found = next((m for m in living if m.role == role), None)
        if found is not None:
            return found
    return living[0] if living else None


def _medications(patient: Patient, rules: CaseRules) -> list[str]:
    codes = [patient.medical.primary_diagnosis.code, *(d.code for d in patient.medical.comorbidities)]
    meds: list[str] = []
    for code in codes:
        match = max((p for p in rules.medications if code.upper().startswith(p)), key=len, default=None)
        for med in rules.medications.get(match, []) if match else []:
            if med not in meds:
                meds.append(med)
    return meds


def _chart(patient: Patient, rules: CaseRules, values: dict[str, Any]) -> ChartExcerpt:
    med, ident = patient.medical, patient.identity
    fs = med.functional_status
    place = rules.settings[med.setting].place
    visit = "visit" if med.admission_type in _OUTPATIENT else "admission"
    comorbid = "; ".join(f"{d.label} ({d.code})" for d in med.comorbidities) or "none"
    stay = f" Day {med.length_of_stay_days} of stay." if med.admission_type not in _OUTPATIENT else ""
    who = f"{ident.age}-year-old {ident.sex} patient" if ident.age >= 1 else f"{ident.sex} infant"
    physician = (
        f"{who}, {med.admission_type} {visit} to {place} for "
        f"{med.primary_diagnosis.label} ({med.primary_diagnosis.code}). Comorbidities: {comorbid}. "
        f"Charlson comorbidity index {med.charlson_index}; {med.ed_visits_6mo} ED visits in the past "
        f"6 months.{stay} Prognosis {med.prognosis.replace('_', ' ')}. Social work consulted.")
    household = [m for m in patient.family if m.lives_with_patient and m.living]
    lives = ("Lives with " + ", ".join(f"{m.relation}" for m in household)) if household else "Lives alone"
    help_adl = ", ".join(fs.adl_dependent) or "none"
    help_iadl = ", ".join(fs.iadl_dependent) or "none"
    nursing = (f"Mobility: {fs.mobility}. Needs help with ADLs: {help_adl}; IADLs: {help_iadl}. "
               f"{lives}. Preferred language {ident.language}"
               + ("; interpreter requested." if ident.interpreter_needed else "."))
    return ChartExcerpt(physician_note=physician, nursing_note=nursing, medications=_medications(patient, rules))


def _hidden_facts(patient: Patient, rules: CaseRules, needs: list[Need],
                  proxy: FamilyMember | None) -> list[HiddenFact]:
    facts: list[HiddenFact] = []
    said = (lambda text: f"({proxy.name}, {proxy.relation}) {text}") if proxy else (lambda text: text)
    for need in needs:
        if need.disclosure_difficulty >= rules.hidden_difficulty:
            rapport = round(rules.rapport_base + rules.rapport_span * need.disclosure_difficulty)
            facts.append(HiddenFact(id=need.domain, domain=need.domain, min_rapport=min(100, rapport),
                                    statement=said(rules.domains[need.domain].hidden), reveals_need=need.domain))
    for kind, rule, level in active_crises(patient):
        crisis_need = patient.profile.need(rule.domain)
        has_need = crisis_need is not None and crisis_need.severity > 0
        facts.append(HiddenFact(
            id=f"crisis_{kind}", domain=rule.domain, min_rapport=rule.min_rapport,
            statement=said(rule.statement_low if level == "low" else rule.statement),
            reveals_need=rule.domain if has_need else None, reveals_risk=kind,
            crisis=rule.crisis if rule.acts_at(level) else None))
    return facts


def _interventions(
    patient: Patient, rules: CaseRules, needs: list[Need]
) -> tuple[list[KeyIntervention], list[KeyIntervention]]:
    tx = taxonomy()
    recommended: dict[str, str] = {}
    for kind, rule, level in active_crises(patient):
        iv = tx.domains[rule.domain].interventions[0]
        if rule.acts_at(level):
            recommended.setdefault(iv, f"Crisis path ({tx.risks[kind].lower()} risk, {level}). {rule.rationale}")
        else:
            recommended.setdefault(iv, f"Possible {tx.risks[kind].lower()} ({level}): {rule.assess_step}")
    for need in needs:
        if need.severity >= rules.recommend_min_severity or not recommended:
            iv = tx.domains[need.domain].interventions[0]
            recommended.setdefault(iv, f"Addresses {tx.domains[need.domain].label.lower()} "
                                       f"(severity {need.severity}, {tx.severity_scale[need.severity]}).")
    acceptable: dict[str, str] = {}
    for need in needs:
        for iv in tx.domains[need.domain].interventions:
            if iv not in recommended:
                acceptable.setdefault(iv, f"Also fits {tx.domains[need.domain].label.lower()}.")
    return ([KeyIntervention(intervention=k, rationale=v) for k, v in recommended.items()],
            [KeyIntervention(intervention=k, rationale=v) for k, v in acceptable.items()])


def _risk_evidence(patient: Patient, kind: str, level: str, given: str) -> str:
    crisis = next((rule for k, rule, _ in active_crises(patient) if k == kind), None)
    step = f" Expected step: {crisis.assess_step}" if crisis and not crisis.acts_at(level) else ""
    if given:
        return given + step
    label = taxonomy().risks[kind]
    where = (f"; the patient discloses it (hidden fact crisis_{kind}) when asked about "
             f"{crisis.domain.replace('_', ' ')} with enough rapport") if crisis else ""
    return f"{label} risk rated {level} in the patient's profile{where}.{step}"


def from_patient(patient: Patient, case_id: str | None = None) -> Case:
    """Build a complete case for ``patient`` from the case rules.

    Args:
        patient: a generated (or hand-built) synthetic patient.
        case_id: the case id (default ``gen-<patient id>``).

    Returns:
        A valid :class:`Case`: needs with a high ``disclosure_difficulty`` and crisis-level risks
        (suicide, ipv, child maltreatment, elder abuse) become hidden facts, the latter with
        ``crisis`` set and their critical actions in the key.
    """
    rules, tx = case_rules(), taxonomy()
    ident, med = patient.identity, patient.medical
    needs = _sorted_needs(patient)
    visible = [n for n in needs if n.disclosure_difficulty < rules.hidden_difficulty]
    proxy = _proxy(patient, rules)
    member = _collateral_member(patient, exclude=proxy)
    caregiver = patient.caregiver
    values: dict[str, Any] = {
        "given_name": ident.given_name, "name": ident.name, "age": ident.age,
        "setting": tx.settings[med.setting], "adl_count": adl_count(patient),
        "relation": member.relation if member else "",
        "caregiver": f"{caregiver.name} ({caregiver.relation})" if caregiver else "",
    }
    setting = rules.settings[med.setting]

    named = [rules.domains[n.domain].referral for n in visible[: rules.referral_needs]]
    reason = "; ".join(named) if named else rules.generic_reason
    urgent = med.setting in rules.same_day_settings or any(n.severity == 3 for n in visible)
    referral = Referral(reason=f"Please assess: {reason}.", source=setting.source,
                        urgency="same_day" if urgent else "routine")
    if proxy is None:
        opening = rules.domains[visible[0].domain].opening if visible else rules.generic_opening
    else:  # a young child: the parent or guardian speaks, about the child
        text = rules.domains[visible[0].domain] if visible else None
        words = fill(text.proxy_opening or text.opening, values) if text else rules.generic_opening
        opening = f"({proxy.name}, {proxy.relation}) {words}"

    collateral: list[CollateralContact] = []
    if member is not None:
        if member.role == "caregiver" and patient.profile.need("caregiver_strain"):
            says = rules.domains["caregiver_strain"].collateral
        elif member.relationship_quality in rules.collateral_by_quality:
            says = rules.collateral_by_quality[member.relationship_quality]
        elif visible and proxy is None:
            says = rules.domains[visible[0].domain].collateral
        else:
            says = rules.collateral_by_quality["default"]
        collateral.append(CollateralContact(name=member.name, relation=member.relation, says=fill(says, values)))

    crises = active_crises(patient)
    actions: dict[str, str] = {}
    for _kind, rule, level in crises:
        if not rule.acts_at(level):
            continue  # below reasonable suspicion: assess further (rule.assess_step), no report yet
        for action in [*rule.critical_actions, *(rule.high_actions if level == "high" else [])]:
            actions.setdefault(action.kind, action.description)
    for crit in rules.critical_rules:
        if crit.when.matches(patient):
            actions.setdefault(crit.kind, crit.description)

    recommended, acceptable = _interventions(patient, rules, needs)
    contraindicated: list[KeyIntervention] = []
    for contra in rules.contraindications:
        if contra.when.matches(patient):
            contraindicated.append(KeyIntervention.model_validate({
                "intervention": contra.intervention, "rationale": fill(contra.rationale, values),
                "unless_actions": contra.unless_actions, "aimed_at": contra.aimed_at}))
    contra_ids = {c.intervention for c in contraindicated}
    acceptable = [a for a in acceptable if a.intervention not in contra_ids]

    functions = set(rules.functions_always)
    if crises:
        functions.update(rules.functions_crisis)
    for iv in recommended:
        functions.update(rules.functions_by_intervention.get(iv.intervention, []))
    competencies = set(rules.competencies.always)
    for comp in rules.competencies.rules:
        if comp.when.matches(patient):
            competencies.update(comp.add)
    place = next((d for d in rules.dispositions if d.when.matches(patient)), None)
    disposition = place.text if place is not None else None
    fits = [KeyDisposition.model_validate({**f.model_dump(), "rationale": fill(f.rationale, values)})
            for f in (place.fits if place is not None else [])]

    key = CaseKey(
        needs=[KeyNeed(domain=n.domain, severity=n.severity, evidence=n.evidence) for n in needs],
        risks=[
            KeyRisk(kind=r.kind, level=r.level, evidence=_risk_evidence(patient, r.kind, r.level, r.evidence))
            for r in patient.profile.risks
            if r.level != "none"
        ],
        strengths=list(patient.profile.strengths),
        critical_actions=[CriticalAction(kind=k, description=v) for k, v in actions.items()],
        recommended=recommended,
        acceptable=acceptable,
        contraindicated=contraindicated,
        functions=[f for f in tx.functions if f in functions],
        competencies=sorted(competencies),
        discharge_disposition=fill(disposition, values) if disposition else None,
        dispositions=fits,
    )
    shown = ", ".join(tx.domains[n.domain].label.split(" (")[0].lower() for n in visible[:2])
    shown = shown or "psychosocial assessment"
    case = Case(
        id=case_id or f"gen-{patient.id}",
        title=f"{tx.settings[med.setting]}: {ident.name}, {ident.age}",
        summary=f"Generated case: a {ident.age}-year-old seen in {setting.place}; {shown}.",
        patient=patient, referral=referral, chart=_chart(patient, rules, values), collateral=collateral,
        opening_statement=opening, hidden_facts=_hidden_facts(patient, rules, needs, proxy),
        barriers=[fill(b.text, values) for b in rules.barriers if b.when.matches(patient)], key=key,
    )
    return _with_crisis_path_actions(case, rules)


def _with_crisis_path_actions(case: Case, rules: CaseRules) -> Case:
    """``case`` with the critical actions of every interview crisis path it can start, also those a
    need starts without a matching risk in the profile (a domestic violence need starts the ipv
    path: private setting and safety planning), described as the case rules describe them."""
    from sim.cases.dryrun import crisis_paths
    from sim.interview.bank import style_table
    from sim.interview.crisis import crisis_table

    actions = style_table().actions
    have = {a.kind for a in case.key.critical_actions}
    described = {a.kind: a.description for rule in rules.crises.values() for a in rule.critical_actions}
    added: list[CriticalAction] = []
    for name in crisis_paths(case):
        for action_id in crisis_table().paths[name].required:
            kind = actions[action_id].kind if action_id in actions else None
            if kind is None or kind in have:
                continue
            have.add(kind)
            added.append(CriticalAction(kind=kind, description=described.get(kind, actions[action_id].label)))
    if not added:
        return case
    key = case.key.model_copy(update={"critical_actions": [*case.key.critical_actions, *added]})
    return case.model_copy(update={"key": key})
