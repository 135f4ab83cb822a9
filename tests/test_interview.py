"""Interview engine: disclosure by rapport and style, replies consistent with the case, crisis
paths, determinism, bad input leaving the state unchanged."""
from __future__ import annotations

from datetime import date
from typing import Any

import pytest

import sim
from sim.errors import SimError, UnknownNameError
from sim.interview import (
    ActionTakenError,
    InterviewDataError,
    InterviewEndedError,
    TimeBudgetError,
    UnknownQuestionError,
    check_reply,
    question_bank,
    start,
)
from sim.interview.bank import STYLES
from sim.model.case import Case, HiddenFact
from sim.model.taxonomy import need_domains


def make_case(
    needs: list[tuple[str, int, str]] | None = None,
    hidden: list[HiddenFact] | None = None,
    *,
    setting: str = "med_surg",
    interpreter: bool = False,
    education: str = "high school diploma",
    latent: dict[str, int] | None = None,
    risks: list[tuple[str, str]] | None = None,
    critical: list[dict[str, Any]] | None = None,
    opening: str = "I just want to get home.",
    strengths: list[str] | None = None,
    case_id: str = "hand_01",
) -> Case:
    """A hand-built synthetic case (stands in for the case library in these tests)."""
    needs = needs if needs is not None else [("food_insecurity", 2, "Skips meals at the end of the month")]
    crisis_kinds = {
        "ipv": ["private_setting", "ipv_safety_planning"],
        "suicidal_ideation": ["cssrs_today", "safety_plan"],
        "child_maltreatment": ["mandated_report_child"],
        "elder_abuse": ["mandated_report_elder", "private_setting"],
    }
    critical = list(critical or [])
    for fact in hidden or []:
        critical += [{"kind": k, "description": "required by the crisis"}
                     for k in crisis_kinds.get(fact.crisis or "", []) if k not in {c["kind"] for c in critical}]
    lat = {"depression": 0, "anxiety": 0, "alcohol": 0, "suicide": 0, "ipv": 0, "caregiver_burden": 0,
           "adl_dependencies": 0, "iadl_dependencies": 0, **(latent or {})}
    patient = {
        "id": f"p-{case_id}", "seed": 7,
        "identity": {"given_name": "Dana", "family_name": "Example", "pronouns": "she/her", "sex": "female",
                     "gender_identity": "woman", "date_of_birth": date(1970, 1, 1), "age": 56,
                     "language": "Spanish" if interpreter else "English", "interpreter_needed": interpreter,
                     "race": "White", "ethnicity": "Not Hispanic or Latino", "veteran": False},
        "contact": {"phone": "(555) 555-0101", "email": "dana@example.org"},
        "address": {"street": "1 Elm St", "city": "Springfield", "county": "Aldren County", "state": "OH",
                    "zip_code": "45501"},
        "economics": {"insurance": "medicaid", "household_size": 2, "household_income": 18000,
                      "fpl_percent": 90, "employment": "unemployed", "education": education},
        "medical": {"setting": setting, "admission_type": "emergent",
                    "primary_diagnosis": {"code": "I50.9", "label": "Heart failure, unspecified"},
                    "charlson_index": 2, "length_of_stay_days": 4, "ed_visits_6mo": 1, "prognosis": "guarded"},
        "family": [],
        "profile": {
            "needs": [{"domain": d, "severity": s, "evidence": e, "disclosure_difficulty": 0.3} for d, s, e in needs]
            or [{"domain": "transportation", "severity": 1, "evidence": "No car", "disclosure_difficulty": 0.1}],
            "risks": [{"kind": k, "level": lv} for k, lv in (risks or [])],
            "strengths": strengths if strengths is not None else ["Close to her sister", "Strong faith"],
            "culture": {"religion": "none", "spirituality_importance": "low"},
        },
        "latent": lat,
    }
    return Case.model_validate({
        "id": case_id, "title": "Hand-built case", "summary": "test", "patient": patient,
        "referral": {"reason": "discharge planning", "source": "attending physician"},
        "chart": {"physician_note": "Admitted with heart failure."},
        "opening_statement": opening, "hidden_facts": hidden or [],
        "key": {"needs": [{"domain": d, "severity": max(1, s), "evidence": e} for d, s, e in needs],
                "critical_actions": critical or [], "recommended": [{"intervention": "counseling", "rationale": "x"}],
                "competencies": [6]},
    })


IPV_FACT = HiddenFact(id="hit", domain="domestic_violence", min_rapport=55, crisis="ipv",
                      reveals_need="domestic_violence",
                      statement="He pushed me down the stairs last week. I'm scared to go home.")


def ipv_case(**kw: Any) -> Case:
    return make_case([("domestic_violence", 3, "Partner pushed her down the stairs"),
                      ("food_insecurity", 1, "Skips meals at the end of the month")], [IPV_FACT], **kw)


# -- disclosure ------------------------------------------------------------------------------

def test_empathic_open_path_discloses_partner_violence_where_leading_closed_path_does_not():
    good = start(ipv_case(), seed=3)
    good.act("private_setting")
    for qid in ["general.open.1", "general.empathic.1", "domestic_violence.reflection.1",
                "domestic_violence.empathic.1", "domestic_violence.open.1"]:
        good.ask(qid)
    assert [f.id for f in good.disclosed] == ["hit"]
    assert any("pushed me down the stairs" in t.reply for t in good.transcript)

    bad = start(ipv_case(), seed=3)
    bad.act("private_setting")
    for qid in ["domestic_violence.leading.1", "domestic_violence.closed.1", "general.closed.1",
                "domestic_violence.closed.1", "domestic_violence.leading.1", "general.leading.1"]:
        reply = bad.ask(qid)
        assert reply.facts == [("deflects", "domestic_violence")] or reply.facts == []
    assert bad.disclosed == []
    assert bad.rapport < good.rapport


def test_open_question_with_enough_rapport_still_needs_the_right_domain():
    iv = start(ipv_case(), seed=0)
    iv.act("private_setting")
    for qid in ["general.empathic.1", "general.empathic.2", "general.reflection.1"]:
        iv.ask(qid)
    assert iv.rapport >= IPV_FACT.min_rapport
    assert iv.ask("food_insecurity.open.1").disclosed == []
    assert [f.id for f in iv.ask("domestic_violence.open.2").disclosed] == ["hit"]


def test_partner_violence_waits_for_a_private_setting_when_the_key_requires_one():
    path = ["general.empathic.1", "general.empathic.2", "general.reflection.1", "domestic_violence.empathic.1",
            "domestic_violence.open.1", "domestic_violence.reflection.1"]
    crowded = start(ipv_case(), seed=0)
    for qid in path:
        assert crowded.ask(qid).disclosed == []
    assert crowded.rapport >= IPV_FACT.min_rapport
    assert any("private setting" in m for m in crowded.end().messages)
    private = start(ipv_case(), seed=0)
    private.act("private_setting")
    for qid in path:
        private.ask(qid)
    assert [f.id for f in private.disclosed] == ["hit"]


def test_hidden_domain_gets_deflection_not_denial_and_need_evidence_stays_hidden():
    iv = start(ipv_case(), seed=1)
    for qid in ["domestic_violence.closed.1", "domestic_violence.leading.1", "domestic_violence.judgmental.1"]:
        reply = iv.ask(qid)
        assert ("denies", "domestic_violence") not in reply.facts
        assert "stairs" not in reply.text


def test_stated_need_carries_its_evidence_and_no_need_gets_denial():
    iv = start(ipv_case(), seed=2)
    reply = iv.ask("food_insecurity.open.2")
    assert reply.facts == [("need", "food_insecurity")]
    assert "skips meals at the end of the month" in reply.text.lower()
    denial = iv.ask("housing_instability.closed.1")
    assert denial.facts == [("denies", "housing_instability")]


def test_asking_directly_about_suicide_can_earn_a_disclosure():
    # Asking "Are you thinking about killing yourself?" is recommended practice (it does not raise
    # risk); a closed question elsewhere still gets a deflection.
    fact = HiddenFact(id="si", domain="crisis", min_rapport=0, crisis="suicidal_ideation",
                      reveals_risk="suicide", statement="Yes. I've thought about taking all my pills.")
    case = make_case([("food_insecurity", 1, "Skips meals")], [fact], latent={"suicide": 2})
    iv = start(case, seed=0)
    assert [f.id for f in iv.ask("crisis.closed.1").disclosed] == ["si"]
    assert "suicidal_ideation" in {s.path for s in iv.crisis_status()}
    assert start(ipv_case(), seed=0).ask("domestic_violence.closed.1").disclosed == []


def test_latent_state_blocks_a_denial_without_a_listed_need():
    case = make_case([("food_insecurity", 2, "Skips meals")], latent={"suicide": 2})
    iv = start(case, seed=0)
    for qid in ["crisis.closed.1", "crisis.open.1", "crisis.leading.1"]:
        assert iv.ask(qid).facts == [("deflects", "crisis")]


def test_rapport_moves_with_style_and_is_bounded():
    iv = start(make_case(), seed=0)
    r0 = iv.rapport
    iv.ask("general.empathic.1")
    assert iv.rapport > r0
    r1 = iv.rapport
    iv.ask("general.judgmental.1")
    assert iv.rapport < r1
    for _ in range(15):
        iv.ask("general.judgmental.1")
    assert iv.rapport == 0


def test_setting_stress_lowers_the_start_and_jargon_costs_more_with_low_literacy():
    assert start(make_case(setting="icu")).rapport < start(make_case(setting="med_surg")).rapport
    low = start(make_case(education="less than high school"))
    high = start(make_case(education="bachelor's degree"))
    low_reply = low.ask("general.jargon.1")
    high.ask("general.jargon.1")
    assert low.rapport_start - low.rapport > high.rapport_start - high.rapport
    assert low_reply.asks_back and low_reply.facts == []


def test_interpreter_caps_rapport_and_blocks_disclosure_until_used():
    case = ipv_case(interpreter=True)
    iv = start(case, seed=0)
    cap = sim.interview.bank.style_table().state.interpreter.rapport_cap
    for _ in range(6):
        reply = iv.ask("domestic_violence.empathic.1")
        assert reply.facts == [] and reply.disclosed == []
    assert iv.rapport <= cap
    iv.use_interpreter()
    assert iv.interpreter_in_use and "use_interpreter" in iv.actions_taken
    iv.act("private_setting")
    for qid in ["general.empathic.1", "general.empathic.2", "domestic_violence.reflection.1",
                "domestic_violence.empathic.1", "domestic_violence.open.1", "domestic_violence.open.2"]:
        iv.ask(qid)
    assert [f.id for f in iv.disclosed] == ["hit"]
    assert iv.rapport > cap


def test_every_reply_on_a_rich_case_is_consistent():
    case = ipv_case(latent={"depression": 3}, risks=[("falls", "low")])
    iv = start(case, seed=5, budget_minutes=600)
    for q in question_bank().values():
        reply = iv.ask(q.id)
        assert check_reply(case, reply) == [], (q.id, reply)


def test_question_bank_covers_every_domain_and_style():
    bank = question_bank()
    assert {q.domain for q in bank.values()} == {"general", *need_domains()}
    assert {q.style for q in bank.values()} == set(STYLES)
    for domain in need_domains():
        styles = {q.style for q in bank.values() if q.domain == domain}
        assert {"open", "closed", "leading", "reflection", "empathic", "normalizing"} <= styles
        assert {"judgmental", "jargon", "double_barrelled"} <= styles
    iv = start(make_case())
    assert iv.questions(domain="crisis", style="closed")[0].text.startswith("Are you thinking")
    with pytest.raises(UnknownNameError, match="domestic_violence"):
        iv.questions(domain="domestic_violense")
    with pytest.raises(UnknownNameError, match="reflection"):
        iv.questions(style="reflexion")


# -- crisis paths ----------------------------------------------------------------------------

def _disclose(iv: sim.interview.Interview, domain: str) -> None:
    if domain in ("domestic_violence", "elder_abuse"):
        iv.act("private_setting")
    for qid in ["general.empathic.1", "general.empathic.2", f"{domain}.reflection.1", f"{domain}.empathic.1",
                f"{domain}.open.1", f"{domain}.open.2", f"{domain}.normalizing.1"]:
        iv.ask(qid)
        if iv.disclosed:
            return


CRISES = [
    ("suicidal_ideation", "crisis", {"cssrs_screener", "safety_plan"}),
    ("ipv", "domestic_violence", {"ipv_safety_planning", "private_setting"}),
    ("child_maltreatment", "child_welfare", {"mandated_report_child"}),
    ("elder_abuse", "elder_abuse", {"mandated_report_elder", "private_setting"}),  # alone, apart from the caregiver
]


@pytest.mark.parametrize(("crisis", "domain", "required"), CRISES)
def test_crisis_path_detected_and_actions_met_or_missed(crisis: str, domain: str, required: set[str]):
    fact = HiddenFact(id="x", domain=domain, min_rapport=55, crisis=crisis, statement="Something happened.")
    case = make_case([("food_insecurity", 1, "Skips meals")], [fact])
    taken = start(case, seed=0)
    assert taken.crisis_status() == []
    _disclose(taken, domain)
    status = taken.crisis_status()
    assert {(s.path, s.action, s.status) for s in status} == {
        (crisis, a, "met" if a in taken.actions_taken else "pending") for a in required}
    before = set(taken.actions_taken)
    minute = taken.minutes_used
    for action in sorted(required - before):
        taken.act(action)
    taken.end()
    done = taken.crisis_status()
    assert {s.action: s.status for s in done} == dict.fromkeys(required, "met")
    assert all(s.taken_minute is not None and (s.taken_minute >= minute or s.action in before) for s in done)

    missed = start(case, seed=0)
    _disclose(missed, domain)
    missed.end()
    assert {s.action: s.status for s in missed.crisis_status()} == {
        a: "met" if a in before else "missed" for a in required}


def test_stated_need_with_high_risk_starts_a_crisis_path():
    case = make_case([("emotional_distress", 3, "Says she wants to die")], risks=[("suicide", "high")],
                     latent={"suicide": 3, "depression": 4})
    iv = start(case)
    iv.ask("emotional_distress.open.1")
    assert {s.path for s in iv.crisis_status()} == {"suicidal_ideation"}
    result = iv.act("cssrs_screener")
    assert "high risk" in result.message
    actions = {s.action: s.status for s in iv.crisis_status()}
    assert actions == {"cssrs_screener": "met", "safety_plan": "pending", "urgent_mh_referral": "pending"}
    # High risk: immediate safety measures (not left alone) and an urgent evaluation today.
    assert "not left alone" in iv.actions()["urgent_mh_referral"]
    assert "do not leave the patient alone" in result.message


def test_cssrs_screener_finds_ideation_the_patient_did_not_disclose():
    iv = start(make_case(latent={"suicide": 2, "depression": 3}))
    assert iv.crisis_status() == []
    result = iv.act("cssrs_screener")
    assert "moderate risk" in result.message and result.crisis_started == ["suicidal_ideation"]
    assert {s.action: s.status for s in iv.crisis_status()} == {"cssrs_screener": "met", "safety_plan": "pending"}
    calm = start(make_case())
    message = calm.act("cssrs_screener").message
    assert "Result: negative" in message and "No to every screener question" in message
    assert calm.crisis_status() == []


def test_fact_revealing_a_crisis_risk_starts_its_path():
    fact = HiddenFact(id="pills", domain="emotional_distress", min_rapport=0, reveals_risk="suicide",
                      statement="I've been saving up my pills.")
    iv = start(make_case([("food_insecurity", 1, "Skips meals")], [fact]))
    assert iv.ask("emotional_distress.open.1").disclosed[0].id == "pills"
    assert {s.action for s in iv.crisis_status()} == {"cssrs_screener", "safety_plan"}


def test_data_tables_reject_unknown_placeholders_and_action_kinds():
    from pydantic import ValidationError

    from sim.interview.bank import ActionSpec
    from sim.interview.templates import Template

    with pytest.raises(ValidationError, match="unknown placeholder"):
        Template.model_validate("Hello {address}")
    with pytest.raises(ValidationError, match="cssrs_today"):
        ActionSpec(label="x", minutes=1, kind="cssrs")


def test_interpreter_path_and_deadline_from_the_case_key():
    case = make_case(interpreter=True,
                     critical=[{"kind": "interpreter", "description": "use one", "within_minutes": 3}])
    late = start(case)
    for _ in range(3):
        late.ask("general.open.2")
    late.act("use_interpreter")
    item = late.crisis_status()[0]
    assert (item.path, item.status, item.deadline_minute) == ("interpreter_needed", "missed", 3)
    assert "after the 3-minute limit" in item.note
    early = start(case)
    early.act("use_interpreter")
    assert early.crisis_status()[0].status == "met"


# -- transcript, engagement, determinism -----------------------------------------------------

PATH = ["general.open.1", "general.reflection.1", "food_insecurity.open.1", "domestic_violence.empathic.1",
        "general.jargon.1", "domestic_violence.open.1", "general.summarizing.1", "housing_instability.open.2"]


def _run(seed: int) -> sim.interview.Interview:
    iv = start(ipv_case(), seed=seed)
    for qid in PATH:
        iv.ask(qid)
    iv.act("private_setting")
    return iv


def test_same_case_seed_and_questions_give_the_same_transcript():
    a, b = _run(11), _run(11)
    assert [t.model_dump() for t in a.transcript] == [t.model_dump() for t in b.transcript]
    assert a.transcript_markdown() == b.transcript_markdown()
    texts = {tuple(t.reply for t in _run(s).transcript) for s in range(6)}
    assert len(texts) > 1  # the seed varies the wording


def test_transcript_and_engagement():
    iv = _run(0)
    turns = iv.transcript
    assert [t.question.id for t in turns if t.question] == PATH
    assert turns[-1].kind == "action" and turns[-1].action == "private_setting"
    assert [t.minute for t in turns] == sorted(t.minute for t in turns)
    assert turns[-1].rapport_after == iv.rapport
    md = iv.transcript_markdown()
    assert "Synthetic patient" in md and "Tell me about your relationship" in md
    eng = iv.end()
    assert eng.questions == len(PATH)
    assert eng.open_share == pytest.approx(4 / 8, abs=1e-3)
    assert eng.poor_share == pytest.approx(1 / 8, abs=1e-3) and eng.poor_questions == ["general.jargon.1"]
    assert eng.minutes_used == iv.minutes_used
    assert any("general.jargon.1" in m for m in eng.messages)
    assert iv.ended


def test_engagement_feedback_for_closed_questioning():
    iv = start(make_case())
    for qid in ["general.closed.1", "food_insecurity.closed.1", "transportation.closed.1",
                "housing_instability.closed.1", "utilities.closed.1", "employment.closed.1"]:
        iv.ask(qid)
    eng = iv.end()
    assert eng.open_share == 0 and eng.closed_share == 1
    assert any("0% of your questions were open" in m for m in eng.messages)
    assert any("never summarized" in m for m in eng.messages)


# -- bad input -------------------------------------------------------------------------------

def _snapshot(iv: sim.interview.Interview) -> tuple:
    return (iv.rapport, iv.minutes_used, [t.model_dump() for t in iv.transcript], [f.id for f in iv.disclosed],
            iv.crisis_status())


def test_unknown_question_suggests_the_closest_and_changes_nothing():
    iv = start(make_case())
    iv.ask("general.open.1")
    before = _snapshot(iv)
    with pytest.raises(UnknownQuestionError, match="did you mean 'general.open.2'"):
        iv.ask("general.opne.2")
    assert _snapshot(iv) == before
    with pytest.raises(UnknownNameError, match="did you mean 'safety_plan'"):
        iv.act("safety_plna")
    assert _snapshot(iv) == before


def test_time_budget_spent_and_ended_interview_refuse_and_change_nothing():
    iv = start(make_case(), budget_minutes=4)
    iv.ask("general.open.1")
    iv.ask("general.open.2")
    before = _snapshot(iv)
    with pytest.raises(TimeBudgetError, match="4-minute"):
        iv.ask("general.open.3")
    assert _snapshot(iv) == before
    iv.end()
    before = _snapshot(iv)
    with pytest.raises(InterviewEndedError):
        iv.ask("general.open.3")
    with pytest.raises(InterviewEndedError):
        iv.act("safety_plan")
    assert _snapshot(iv) == before


def test_action_twice_is_refused():
    iv = start(make_case())
    iv.act("private_setting")
    before = _snapshot(iv)
    with pytest.raises(ActionTakenError, match="minute 0"):
        iv.act("private_setting")
    assert _snapshot(iv) == before


def test_case_without_interview_data_is_refused():
    with pytest.raises(InterviewDataError, match="opening_statement"):
        start(make_case(opening="   "))
    with pytest.raises(InterviewDataError, match="no need with evidence and no hidden facts"):
        start(make_case([("food_insecurity", 2, "  ")]))
    with pytest.raises(SimError, match="budget_minutes"):
        start(make_case(), budget_minutes=0)
    with pytest.raises(SimError, match="seed"):
        start(make_case(), seed=-1)


def test_public_api_is_lazy_and_reachable_from_sim():
    assert sim.interview.start is start


def test_library_ipv_case_good_and_poor_interviews():
    case = sim.load_case("ed_ipv_01")
    good = start(case, seed=0)
    good.act("use_interpreter")
    good.act("private_setting")
    for qid in ["general.empathic.1", "general.reflection.1", "general.empathic.2", "domestic_violence.empathic.1",
                "domestic_violence.reflection.1", "domestic_violence.open.1"]:
        good.ask(qid)
    assert "assault" in {f.id for f in good.disclosed}
    good.act("ipv_safety_planning")
    good.end()
    ipv = {s.action: s.status for s in good.crisis_status() if s.path == "ipv"}
    assert ipv == {"ipv_safety_planning": "met", "private_setting": "met"}

    poor = start(case, seed=0)
    for qid in ["domestic_violence.closed.1", "domestic_violence.leading.1", "domestic_violence.judgmental.1",
                "general.jargon.1", "domestic_violence.double_barrelled.1"]:
        poor.ask(qid)
    poor.end()
    assert poor.disclosed == [] and poor.rapport < poor.rapport_start + 1
    assert {(s.path, s.status) for s in poor.crisis_status()} == {("interpreter_needed", "missed")}


def test_no_question_promises_secrecy():
    # NASW Code of Ethics 1.07(e): tell clients the limits of confidentiality; a mandated reporter
    # cannot promise that what is said stays private.
    import re

    from sim.interview.bank import question_bank

    promise = re.compile(r"stays (?:within|between|with me)|between us|won't tell anyone|keep (?:it|this) secret",
                         re.IGNORECASE)
    assert not [q.id for q in question_bank().values() if promise.search(q.text)]


def test_the_bank_asks_about_access_to_lethal_means():
    from sim.interview.bank import question_bank

    means = [q for q in question_bank().values() if q.domain == "crisis" and "gun" in q.text
             and q.allows_disclosure()]
    assert means and means[0].style == "open"


@pytest.mark.parametrize("level, starts", [("low", False), ("moderate", True), ("high", True)])
def test_a_revealed_abuse_concern_requires_a_report_only_at_moderate_or_high_risk(level: str, starts: bool):
    fact = HiddenFact(id="alone", domain="child_welfare", min_rapport=0, reveals_risk="child_maltreatment",
                      statement="Sometimes they're left alone longer than they should be.")
    case = make_case([("child_welfare", 1, "Childcare gaps")], [fact], risks=[("child_maltreatment", level)])
    iv = start(case)
    assert iv.ask("child_welfare.open.1").disclosed[0].id == "alone"
    assert ({s.path for s in iv.crisis_status()} == {"child_maltreatment"}) is starts


def test_a_parent_speaking_for_an_infant_speaks_about_the_baby_not_her_own_care():
    case = sim.load_case("peds_abuse_01")
    iv = start(case, seed=3)
    reply = iv.ask("financial_strain.open.1")
    assert reply.facts == [("need", "financial_strain")]
    assert "What you learn from Brianna Collins (mother) about Harper" in reply.text
    assert "my care" not in reply.text
    # A patient who speaks for herself keeps her own voice.
    adult = ipv_case()
    own = start(adult, seed=2).ask("food_insecurity.open.2")
    assert f"What you learn from {adult.patient.identity.given_name}:" in own.text
