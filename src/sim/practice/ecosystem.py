"""The patient's world as a social worker maps it: family placement for a genogram and the
systems around the patient for an ecomap. Pure logic; :mod:`sim.viz` draws it.
"""
from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

from sim.model import FamilyMember, Patient
from sim.model.base import TableModel
from sim.model.labels import person_label
from sim.tables import load_table

if TYPE_CHECKING:
    from sim.model import Case

Tie = Literal["strong", "moderate", "tenuous", "stressful"]
Flow = Literal["to_patient", "from_patient", "both", "none"]


class RelationInfo(TableModel):
    generation: int
    kind: str


class FamilyTable(TableModel):
    relations: dict[str, RelationInfo]


# How strongly a faith community ties in, by how important spirituality is to the patient.
_FAITH_TIE: dict[str, Tie] = {"high": "strong", "moderate": "moderate", "low": "tenuous"}


@lru_cache(maxsize=1)
def _family_table() -> FamilyTable:
    return load_table("family.yaml", FamilyTable)


def relation_info(relation: str) -> RelationInfo:
    """Generation and kind of a relation ("older sister" is read as "sister"); unknown -> collateral."""
    table = _family_table().relations
    key = relation.split("(")[0].strip().lower()
    if key in table:
        return table[key]
    if "'s " in key:  # "mother's boyfriend": the owner's generation plus the relation's offset
        owner, _, rest = key.partition("'s ")
        return RelationInfo(generation=relation_info(owner).generation + relation_info(rest).generation,
                            kind="collateral")
    last = key.split()[-1] if key else key
    return table.get(last, RelationInfo(generation=0, kind="collateral"))


class SystemTie(TableModel):
    """One system on the ecomap: who or what it is, the kind of tie, and where energy flows."""
    id: str
    label: str
    category: str
    tie: Tie
    flow: Flow


_QUALITY_TO_TIE: dict[str, Tie] = {
    "strong": "strong", "moderate": "moderate", "tenuous": "tenuous",
    "conflicted": "stressful", "abusive": "stressful", "cut_off": "tenuous",
}
_ROLE_TO_FLOW: dict[str, Flow] = {
    "caregiver": "to_patient", "support": "to_patient", "dependent": "from_patient",
    "stressor": "from_patient", "none": "none",
}


# Need domains whose concealment also hides an abusive relationship on the map.
ABUSE_DOMAINS = frozenset({"domestic_violence", "elder_abuse", "child_welfare"})


def presented_quality(quality: str, conceal: Iterable[str] = ()) -> str:
    """The relationship quality as the social worker sees it: abuse not yet disclosed looks ordinary."""
    return "moderate" if quality == "abusive" and ABUSE_DOMAINS & set(conceal) else quality


def concealed_domains(case: Case, disclosed: Iterable[str] | bool = ()) -> set[str]:
    """Need domains of the case's hidden facts that are not yet disclosed (``True``: all disclosed)."""
    if disclosed is True:
        return set()
    known = set(disclosed or ())
    hidden: set[str] = set()
    for fact in case.hidden_facts:
        if fact.id in known:
            continue
        hidden.add(fact.reveals_need or fact.domain)
        if fact.crisis in {"ipv"}:
            hidden.add("domestic_violence")
        elif fact.crisis == "child_maltreatment":
            hidden.add("child_welfare")
        elif fact.crisis == "elder_abuse":
            hidden.add("elder_abuse")
    return hidden


def view(subject: Patient | Case, disclosed: Iterable[str] | bool = ()) -> tuple[Patient, set[str]]:
    """The patient and the need domains to conceal: a Case hides what is not yet disclosed
    (``disclosed``: hidden fact ids, or ``True`` for all); a bare Patient hides nothing."""
    if isinstance(subject, Patient):
        return subject, set()
    return subject.patient, concealed_domains(subject, disclosed)


def family_ties(patient: Patient, conceal: Iterable[str] = ()) -> list[SystemTie]:
    """Living family and close others as ecomap systems."""
    ties = []
    for m in patient.family:
        if not m.living:
            continue
        quality = presented_quality(m.relationship_quality, conceal)
        role = "none" if quality != m.relationship_quality and m.role == "stressor" else m.role
        ties.append(SystemTie(
            id=m.id, label=person_label(m.name, m.relation), category="family",
            tie=_QUALITY_TO_TIE[quality], flow=_ROLE_TO_FLOW[role]))
    return ties


def ecomap_systems(patient: Patient, conceal: Iterable[str] = ()) -> list[SystemTie]:
    """Family, health care, work or school, faith, benefits and community systems around the patient.

    Ties follow the profile: an unmet social need makes the matching system tenuous or
    stressful; a strength named in the profile makes its system strong. Needs in ``conceal``
    (hidden facts the student has not yet heard) are left off, so the map shows what is known.
    """
    hidden = set(conceal)
    needs = {n.domain: n.severity for n in patient.profile.needs if n.domain not in hidden}
    strengths = " ".join(patient.profile.strengths).lower()
    systems = family_ties(patient, hidden)
    health_tie: Tie = "stressful" if needs.get("insurance_gap", 0) >= 2 else "moderate"
    systems.append(SystemTie(id="health_care", label=f"Hospital team ({patient.medical.setting.replace('_', ' ')})",
                             category="health", tie=health_tie, flow="to_patient"))
    employment = patient.economics.employment.lower()
    if patient.identity.age < 18:
        systems.append(SystemTie(id="school", label="School or child care", category="education",
                                 tie="moderate", flow="both"))
    elif "employ" in employment and "unemploy" not in employment:
        work_tie: Tie = "stressful" if needs.get("employment", 0) >= 1 else "moderate"
        systems.append(SystemTie(id="work", label="Work", category="work", tie=work_tie, flow="both"))
    elif needs.get("employment", 0) >= 1:
        systems.append(SystemTie(id="work", label="Work (lost or at risk)", category="work",
                                 tie="stressful", flow="from_patient"))
    religion = patient.profile.culture.religion
    if religion and religion.lower() not in {"none", "no religion", "not religious"}:
        faith_tie = _FAITH_TIE[patient.profile.culture.spirituality_importance]
        systems.append(SystemTie(id="faith", label=f"Faith community ({religion})", category="faith",
                                 tie=faith_tie, flow="to_patient"))
    income_tie: Tie = "stressful" if max(needs.get("financial_strain", 0), needs.get("insurance_gap", 0)) >= 2 \
        else "moderate"
    systems.append(SystemTie(id="benefits", label=f"Insurance and benefits ({patient.economics.insurance})",
                             category="benefits", tie=income_tie, flow="to_patient"))
    housing = needs.get("housing_instability", 0)
    systems.append(SystemTie(id="housing", label="Housing", category="housing",
                             tie="stressful" if housing >= 2 else "tenuous" if housing == 1 else "strong",
                             flow="from_patient" if housing >= 2 else "none"))
    friends_tie: Tie = "tenuous" if needs.get("social_isolation", 0) >= 1 else \
        "strong" if "friend" in strengths or "neighbo" in strengths else "moderate"
    systems.append(SystemTie(id="friends", label="Friends and neighbours", category="community",
                             tie=friends_tie, flow="to_patient" if friends_tie == "strong" else "none"))
    if needs.get("legal_immigration", 0) >= 1:
        systems.append(SystemTie(id="legal", label="Legal or immigration system", category="legal",
                                 tie="stressful", flow="from_patient"))
    return systems


def generations(patient: Patient) -> dict[int, list[FamilyMember]]:
    """Family members grouped by genogram generation (0 = the patient's own)."""
    rows: dict[int, list[FamilyMember]] = {}
    for m in patient.family:
        info = relation_info(m.relation)
        if info.kind == "non_family":
            continue
        rows.setdefault(info.generation, []).append(m)
    return dict(sorted(rows.items()))
