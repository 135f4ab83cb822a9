"""Sexual assault and human trafficking: the actions, the questions that open the subject, the
case that teaches it (ed_ipv_01, Texas) and the feedback, which names the state's reporting rule."""
from __future__ import annotations

from datetime import date

import sim
from sim.feedback import review_plan
from sim.interview.bank import question_bank
from sim.notes.check import check_note
from sim.practice.dispositions import is_state_law, labels
from sim.practice.expert import reference_plan

START = date(2026, 11, 23)


def test_the_actions_are_labelled_with_sources_and_are_state_law():
    for action in ("sexual_assault_care", "trafficking_response"):
        label = labels().actions[action]
        assert label.source and is_state_law(action)
    assert "34 U.S.C. 10449" in labels().actions["sexual_assault_care"].source
    assert "1-888-373-7888" in labels().actions["trafficking_response"].why


def test_the_question_bank_opens_sexual_violence_and_trafficking_safely():
    texts = [q.text for q in question_bank().values() if q.domain == "domestic_violence"]
    assert any("sexual contact you did not want" in t for t in texts)
    assert any("ID or passport" in t for t in texts)
    assert any("trading sex" in t for t in texts)


def test_the_ipv_case_calls_for_sexual_assault_care_and_the_reference_plan_offers_it():
    case = sim.load_case("ed_ipv_01", seed=1)
    assert any(f.id == "sexual_assault" for f in case.hidden_facts)
    plan = reference_plan(case, start=START)
    assert "sexual_assault_care" in plan.actions
    assert "domestic_violence_intervention" in plan.intervention_ids()
    without = plan.model_copy(update={"actions": [a for a in plan.actions if a != "sexual_assault_care"]})
    fb = review_plan(case, without)
    missed = [i.message for i in fb.items if "sexual_assault_care" in i.message]
    assert fb.capped and missed and "in this state (Texas)" in missed[0]
    assert "not a competent adult's assault" in missed[0]


def test_a_note_documents_the_offer_in_its_own_words():
    case = sim.load_case("ed_ipv_01", seed=1)
    note = {"data": "Seen alone with a video Spanish interpreter. She disclosed forced sex two nights ago by her "
                    "partner and a prior strangulation.",
            "assessment": "High lethality: strangulation, a firearm and threats to kill. She does not want police.",
            "plan": "Offered a SANE forensic exam, emergency contraception and HIV post-exposure prophylaxis; "
                    "she accepted EC and PEP. Rape crisis advocate called. Safety plan made with a hotline "
                    "advocate; shelter options given. Follow up by phone in 2 days."}
    review = check_note(note, "dap", case)
    said = " ".join(m.message for m in review.all_messages())
    assert "Critical action documented: When she tells you about the forced sex" in said
