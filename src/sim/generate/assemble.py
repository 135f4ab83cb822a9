"""Build pydantic :class:`~sim.model.Patient` objects from rows of a generated batch."""
from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from sim.generate.batch import FAMILY_SLOTS, SEXES, Batch
from sim.generate.contact import patient_ids, text_columns
from sim.generate.demographics import GENDERS, PRONOUNS, language_names
from sim.generate.economics import PLANS, education_labels, employment_labels
from sim.generate.household import PARTNER_STATUS, QUALITIES, RELATIONS, ROLES, relation_codes
from sim.generate.medical import comorbidity_names, dx_names
from sim.generate.names import pools
from sim.generate.params import ADMISSIONS, PROGNOSES, params
from sim.generate.psychosocial import LEVELS, domains, risks
from sim.model import (
    Address,
    Contact,
    Culture,
    Diagnosis,
    Economics,
    FamilyMember,
    FunctionalStatus,
    Identity,
    LatentState,
    MedicalContext,
    Need,
    Patient,
    PsychosocialProfile,
    Risk,
)

FAMILY_HEALTH_DECEASED = "deceased"


def reference_date() -> date:
    """The fixed date on which ages hold (population.yaml)."""
    return date.fromisoformat(params().population.reference_date)


def date_of_birth(age: int, dob_day: int) -> date:
    """A birth date that makes the patient ``age`` on the reference date."""
    ref = reference_date()
    return date(ref.year - age - 1, ref.month, ref.day) + timedelta(days=1 + dob_day)


def relation(slot: str, sex: int, pstatus: int, other_rel: int, age_gap: int, living: bool = True) -> str:
    """Kinship term of a family slot, as the patient would say it (see :func:`relation_codes`)."""
    code = relation_codes(np.array([FAMILY_SLOTS.index(slot)]), np.array([sex]), np.array([pstatus]),
                          np.array([other_rel]), np.array([age_gap]))[0]
    return RELATIONS[int(code)]


def relation_matrix(b: Batch) -> np.ndarray:
    """Kinship codes (index into RELATIONS) of every family slot of every patient, (n, slots)."""
    n, slots = b["f_exists"].shape
    return relation_codes(np.broadcast_to(np.arange(slots), (n, slots)), b["f_sex"], b["f_pstatus"],
                          b["f_other_rel"][:, None], b["age"][:, None] - b["f_age"])


def family_members(b: Batch, i: int, pid: str, rel: np.ndarray | None = None) -> list[FamilyMember]:
    """The family list (genogram order) of row ``i``."""
    pl = pools()
    fam = params().family
    health_names = list(fam.health)
    t = int(b["name_tradition"][i])
    out = []
    for k, slot in enumerate(FAMILY_SLOTS):
        if not b["f_exists"][i, k]:
            continue
        sx = int(b["f_sex"][i, k])
        living = bool(b["f_living"][i, k])
        ps = int(b["f_pstatus"][i, k])
        name = f"{pl.given[t][sx].values[b['f_given_idx'][i, k]]} {pl.family[t].values[b['f_family_idx'][i, k]]}"
        out.append(FamilyMember(
            id=f"{pid}-{slot}", name=name,
            relation=(RELATIONS[int(rel[i, k])] if rel is not None else
                      relation(slot, sx, ps, int(b["f_other_rel"][i]), int(b["age"][i] - b["f_age"][i, k]))),
            sex=SEXES[sx], age=int(b["f_age"][i, k]), living=living,
            lives_with_patient=bool(b["f_lives"][i, k] and living),
            health=health_names[int(b["f_health"][i, k])] if living else FAMILY_HEALTH_DECEASED,
            role=ROLES[int(b["f_role"][i, k])], relationship_quality=QUALITIES[int(b["f_quality"][i, k])],
            partner_status=PARTNER_STATUS[ps] if slot in ("partner", "ex_partner") and ps >= 0 else None,
        ))
    return out


def to_patients(b: Batch) -> list[Patient]:
    """One :class:`Patient` per row of ``b`` (pydantic-validated)."""
    from sim.generate.contact import draw_family_names, draw_strengths
    from sim.generate.household import draw_family_health
    from sim.generate.psychosocial import draw_disclosure

    for stage in (draw_family_names, draw_strengths, draw_family_health, draw_disclosure):
        stage(b)
    p = params()
    text = text_columns(b)
    ids = patient_ids(b.seeds)
    settings = list(p.settings.settings)
    races = list(p.population.race["weights"])
    langs = language_names()
    dxs, cms = dx_names(), comorbidity_names()
    lt = p.latent.functional
    religions = list(p.population.religion["weights"])
    importance = list(p.population.religion["importance"])
    strengths_pool = p.population.strengths["pool"]
    evidence = p.narrative.evidence
    emp, edu = employment_labels(), education_labels()
    rel = relation_matrix(b)
    out = []
    for i in range(b.n):
        age = int(b["age"][i])
        dx = p.diagnoses.diagnoses[dxs[b["dx"][i]]]
        adl_n, iadl_n = int(b["adl"][i]), int(b["iadl"][i])
        sev = b["need_sev"][i]
        ref = int(b["referral"][i])
        order = [ref] + [j for j in range(len(sev)) if j != ref]
        needs = [Need(domain=domains()[j], severity=int(sev[j]), evidence=evidence[domains()[j]][int(sev[j]) - 1],
                      disclosure_difficulty=float(b["disclosure"][i, j])) for j in order if sev[j] > 0]
        rl = b["risk_level"][i]
        facts = {"age": age, "adl": adl_n, "lace": int(b["lace"][i]), "ed_visits": int(b["ed_visits"][i])}
        risk_list = [Risk(kind=k, level=LEVELS[int(rl[j])],
                          evidence=p.narrative.risk_evidence.get(k, "").format(level=LEVELS[int(rl[j])], **facts))
                     for j, k in enumerate(risks()) if rl[j] > 0]
        identity = Identity(
            given_name=str(text["given_name"][i]), family_name=str(text["family_name"][i]),
            pronouns=PRONOUNS[b["gender"][i]], sex=SEXES[b["sex"][i]], gender_identity=GENDERS[b["gender"][i]],
            date_of_birth=date_of_birth(age, int(b["dob_day"][i])), age=age, language=langs[b["language"][i]],
            interpreter_needed=bool(b["interpreter"][i]), race=races[b["race"][i]],
            ethnicity="Hispanic or Latino" if b["hispanic"][i] else "Not Hispanic or Latino",
            veteran=bool(b["veteran"][i]))
        medical = MedicalContext(
            setting=settings[b["setting"][i]],
            admission_type=ADMISSIONS[b["admission"][i]],
            primary_diagnosis=Diagnosis(code=dx.code, label=dx.label),
            comorbidities=[
                Diagnosis(code=p.diagnoses.comorbidities[c].code, label=p.diagnoses.comorbidities[c].label)
                for j, c in enumerate(cms)
                if b["comorbid"][i, j]
            ],
            charlson_index=int(b["charlson"][i]),
            length_of_stay_days=int(b["los"][i]),
            ed_visits_6mo=int(b["ed_visits"][i]),
            prognosis=PROGNOSES[b["prognosis"][i]],
            functional_status=FunctionalStatus(
                adl_dependent=dependencies(b, i, lt["adl_items"], adl_n, "adl_mask"),
                iadl_dependent=dependencies(b, i, lt["iadl_items"], iadl_n, "iadl_mask"),
                mobility=lt["mobility_by_adl"][adl_n] if age >= 18 else "age-appropriate",
            ),
        )
        pid = ids[i]
        patient = Patient(
            id=pid, seed=int(b.seeds[i]), synthetic=True, identity=identity,
            contact=Contact(phone=str(text["phone"][i]), email=str(text["email"][i])),
            address=Address(street=str(text["street"][i]), city=str(text["city"][i]), county=str(text["county"][i]),
                            state=str(text["state"][i]), zip_code=str(text["zip_code"][i])),
            economics=Economics(insurance=PLANS[b["insurance"][i]], household_size=int(b["household_size"][i]),
                                household_income=int(b["income"][i]), fpl_percent=int(b["fpl"][i]),
                                employment=emp[b["employment"][i]], education=edu[b["education"][i]]),
            medical=medical, family=family_members(b, i, pid, rel),
            profile=PsychosocialProfile(
                needs=needs, risks=risk_list,
                strengths=[strengths_pool[k] for k in b["strengths"][i, :b["n_strengths"][i]]],
                culture=Culture(religion=religions[b["religion"][i]],
                                spirituality_importance=importance[b["spirituality"][i]])),
            latent=LatentState(depression=int(b["lat_depression"][i]), anxiety=int(b["lat_anxiety"][i]),
                               alcohol=int(b["lat_alcohol"][i]), suicide=int(b["lat_suicide"][i]),
                               ipv=int(b["lat_ipv"][i]), caregiver_burden=int(b["lat_caregiver_burden"][i]),
                               adl_dependencies=adl_n, iadl_dependencies=iadl_n),
            responses=responses_of(b, i),
        )
        out.append(patient)
    return out


def responses_of(b: Batch, i: int) -> dict[str, list[int] | dict[str, str]]:
    """Instrument responses of row ``i`` (empty when :mod:`sim.instruments` is unavailable)."""
    from sim.generate.responses import patient_responses

    return patient_responses(b, i)


def dependencies(b: Batch, i: int, items: list[str], count: int, key: str) -> list[str]:
    """Katz/Lawton items the patient depends on: from the synthesized form when there is one
    (so chart and form agree), else the first ``count`` items in order of loss."""
    if key in b:
        from sim.generate.responses import item_ids

        ids = item_ids("katz_adl" if key == "adl_mask" else "lawton_iadl")
        return [ids[k] for k in np.flatnonzero(b[key][i])]
    return list(items[:count])


__all__ = ["dependencies", "date_of_birth", "relation", "relation_matrix", "to_patients"]
