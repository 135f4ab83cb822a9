"""Free-text interviewing: reading typed questions, answering them through the bank's reply
logic, clarifying what was not understood, bad input, and the MITI-style feedback."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pydantic
import pytest

import sim
from sim.interview import Classification, TypedTextError, classify, start
from sim.interview.bank import STYLES, question_bank
from sim.interview.classifier import freetext_params, model
from sim.interview.features import normalize
from sim.interview.miti import code, is_complex
from sim.interview.training import corpus_digest, load_items, training_items
from sim.model.case import HiddenFact
from sim.model.taxonomy import need_domains
from test_interview import IPV_FACT, _snapshot, ipv_case, make_case

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "interview"


# -- reading ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "domain", "style"), [
    ("Do you have somewhere safe to sleep tonight?", "housing_instability", "closed"),
    ("Tell me about how you get your groceries each week.", "food_insecurity", "open"),
    ("It sounds like the drinking has been one way to get through the nights.", "substance_use", "reflection"),
    ("On a scale of 0 to 10, how lonely have you felt this week?", "social_isolation", "scaling"),
    ("Why didn't you call us before things got this bad?", "general", "judgmental"),
    ("Your partner treats you well, doesn't he?", "domestic_violence", "leading"),
    ("Any SI with plan or intent?", "crisis", "jargon"),
    ("Let me sum up what you've told me so far, and you tell me what I missed.", "general", "summarizing"),
])
def test_typed_questions_are_read_by_domain_and_style(text: str, domain: str, style: str):
    reading = classify(text)
    assert (reading.domain, reading.style) == (domain, style)
    assert reading.understood and 0 < reading.confidence <= 1
    assert len(reading.alternatives) == 3
    assert all((a.domain, a.style) != (domain, style) for a in reading.alternatives)
    assert reading.domain in ("general", *need_domains()) and reading.style in STYLES


def test_double_barrelled_question_names_both_domains_first_half_first():
    reading = classify("Do you have enough to eat, and can you get to your appointments?")
    assert reading.style == "double_barrelled"
    assert reading.domains == ("food_insecurity", "transportation") and reading.domain == "food_insecurity"
    assert reading.halves is not None and "appointments" in reading.halves[1]
    assert reading.description == "a double-barrelled question about food and transportation"


@pytest.mark.parametrize("text", ["asdkfj qwoeiru zxmcnv", "¿Dónde vive usted ahora?", "Wie geht es Ihnen heute?",
                                  "???", "12345 678", "ok", "the the the the"])
def test_gibberish_and_other_languages_get_a_low_confidence(text: str):
    reading = classify(text)
    assert reading.confidence < freetext_params().threshold and not reading.understood


@pytest.mark.parametrize(("bad", "match"), [
    ("", "empty"), ("   \n\t", "empty"), (None, "must be text"), (42, "must be text"), (["hi"], "must be text"),
    ("x" * 501, "at most 500 characters, not 501"),
])
def test_unusable_text_is_a_clear_error(bad: object, match: str):
    with pytest.raises(TypedTextError, match=match) as info:
        classify(bad)
    assert isinstance(info.value, sim.errors.SimError)


def test_model_loads_lazily_and_import_sim_stays_light():
    code_ = ("import sys, sim, sim.interview; "
             "assert 'numpy' not in sys.modules, 'import sim.interview loaded numpy'; "
             "from sim.interview import classifier; assert classifier.model.cache_info().currsize == 0; "
             "sim.interview.classify('How are you?'); assert classifier.model.cache_info().currsize == 1")
    result = subprocess.run([sys.executable, "-c", code_], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_shipped_model_was_trained_on_the_current_corpus_and_never_on_the_held_out_set(tmp_path: Path):
    # The model file records the digest of what it was fitted on: the bank plus train.yaml, read
    # here from a folder that holds train.yaml and nothing else.
    shutil.copy(CORPUS / "train.yaml", tmp_path / "train.yaml")
    items = training_items(tmp_path)
    assert model().corpus_sha256 == corpus_digest(items), "retrain: python -m sim.interview.training"
    train = {normalize(i.text) for i in items}
    held = load_items(CORPUS / "heldout.yaml")
    assert len(held) >= 150 and len(load_items(CORPUS / "train.yaml")) >= 600
    assert len(items) - len(load_items(CORPUS / "train.yaml")) == len(question_bank())  # 600 beyond the bank
    assert not train & {normalize(i.text) for i in held}


def test_training_never_opens_the_held_out_file():
    # Every file the training code opens, as Python's audit hook sees it, while it reads the corpus
    # and fits (a sixth of it, to stay quick).
    script = ("import sys\nopened = []\n"
              "sys.addaudithook(lambda e, a: opened.append(str(a[0])) if e == 'open' and a else None)\n"
              "from sim.interview.training import train, training_items\n"
              "items = training_items()\ntrain(items[::6])\n"
              "print(len(items), sum('train.yaml' in p for p in opened), [p for p in opened if 'heldout' in p])")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    count, train_opened, held_opened = result.stdout.split(maxsplit=2)
    assert int(count) > 800 and int(train_opened) >= 1 and held_opened.strip() == "[]"


def test_training_is_deterministic_on_a_small_corpus(tmp_path: Path):
    # A fresh process, as the training script runs (one BLAS thread, set before numpy loads).
    script = ("import sys, numpy as np; from sim.interview.training import train, training_items; "
              "a = train(training_items()[::6]); np.savez(sys.argv[1], **a)")
    for name in ("a.npz", "b.npz"):
        subprocess.run([sys.executable, "-c", script, str(tmp_path / name)], check=True)
    import numpy as np

    with np.load(tmp_path / "a.npz") as a, np.load(tmp_path / "b.npz") as b:
        assert a.files == b.files and all(np.array_equal(a[k], b[k]) for k in a.files)


# -- answering -------------------------------------------------------------------------------

def test_typed_question_is_answered_like_the_bank_question_of_its_domain_and_style():
    typed, menu = start(ipv_case(), seed=2), start(ipv_case(), seed=2)
    reply = typed.ask_text("How do you manage food from week to week?")
    assert reply.facts == menu.ask("food_insecurity.open.2").facts == [("need", "food_insecurity")]
    assert typed.rapport == menu.rapport and typed.minutes_used == menu.minutes_used
    turn = typed.transcript[-1]
    assert turn.typed == "How do you manage food from week to week?"
    assert turn.reading is not None and turn.reading.description == "an open question about food"
    assert "typed, read as an open question about food" in typed.transcript_markdown()


def test_typed_empathic_path_discloses_partner_violence_in_private():
    iv = start(ipv_case(), seed=3)
    iv.act("private_setting")
    for text in ["Thank you for talking with me. Being in hospital can be really overwhelming.",
                 "It sounds like a lot has been going on at home.",
                 "You deserve to feel safe at home, and I'm here to listen.",
                 "Tell me about how things are with your partner."]:
        iv.ask_text(text)
    assert [f.id for f in iv.disclosed] == [IPV_FACT.id]


def test_double_barrelled_question_gets_an_answer_to_its_second_half_only():
    iv = start(ipv_case(), seed=0)
    reply = iv.ask_text("Do you have a steady place to live, and do you have enough food at home?")
    assert reply.facts == [("need", "food_insecurity")]
    assert iv.transcript[-1].question is not None and iv.transcript[-1].question.domain == "food_insecurity"
    assert iv.rapport < iv.rapport_start  # a poor question still costs rapport


def test_unclear_text_gets_a_clarifying_reply_costs_a_minute_and_nothing_else():
    iv = start(ipv_case(), seed=0)
    rapport = iv.rapport
    reply = iv.ask_text("blorp zxqv wibble")
    assert reply.asks_back and reply.facts == [] and reply.text in {c.text for c in freetext_params().clarify_replies}
    assert iv.rapport == rapport and iv.minutes_used == freetext_params().clarify_minutes
    turn = iv.transcript[-1]
    assert turn.kind == "unclear" and turn.question is None and turn.typed == "blorp zxqv wibble"
    assert "not understood" in iv.transcript_markdown()
    assert iv.engagement().questions == 0


def test_bad_typed_input_changes_nothing():
    iv = start(make_case())
    iv.ask_text("What brings you in today?")
    before = _snapshot(iv)
    for bad in ["", "  ", None, 3.5, "y" * 600]:
        with pytest.raises(TypedTextError):
            iv.ask_text(bad)
    assert _snapshot(iv) == before


def test_typed_questions_respect_the_time_budget_and_the_end():
    iv = start(make_case(), budget_minutes=2)
    iv.ask_text("How have things been since you came in?")
    with pytest.raises(sim.interview.TimeBudgetError):
        iv.ask_text("Tell me more about that.")
    iv.end()
    with pytest.raises(sim.interview.InterviewEndedError):
        iv.ask_text("Anything else?")


def test_the_same_words_twice_are_a_repeat():
    iv = start(ipv_case(), seed=1)
    iv.ask_text("How do you manage food from week to week?")
    before = iv.rapport
    iv.ask_text("How do you manage food from week to week?")
    assert iv.rapport < before + 4  # the repeat penalty outweighs an open question's gain


def test_direct_suicide_question_typed_can_earn_a_disclosure_like_the_bank_one():
    fact = HiddenFact(id="si", domain="crisis", min_rapport=0, crisis="suicidal_ideation",
                      reveals_risk="suicide", statement="Yes. I've thought about taking all my pills.")
    iv = start(make_case([("food_insecurity", 1, "Skips meals")], [fact], latent={"suicide": 2}), seed=0)
    assert [f.id for f in iv.ask_text("Are you having thoughts of killing yourself?").disclosed] == ["si"]


# -- MITI-style feedback --------------------------------------------------------------------

def test_miti_counts_ratio_and_messages_quote_the_student():
    iv = start(ipv_case(), seed=0)
    said = ["Do you drink alcohol?", "Are you working right now?", "Do you live alone?",
            "It sounds like money has been tight.", "What brings you in today?"]
    for text in said:
        iv.ask_text(text)
    eng = iv.end()
    miti = eng.miti
    assert miti is not None
    assert (miti.questions, miti.reflections) == (4, 1) and miti.ratio == 0.25
    ratio_msg = next(m for m in eng.messages if "reflection-to-question ratio of 0.25:1" in m)
    assert "below MITI's 'fair' level" in ratio_msg and '"Do you drink alcohol?"' in ratio_msg
    assert any('"It sounds like money has been tight."' in m for m in miti.messages)
    assert miti.open_share == 0.25
    assert all('"' in m for m in miti.messages)


def test_miti_good_ratio_and_complex_reflections():
    iv = start(ipv_case(), seed=0)
    for text in ["What has this week been like for you?",
                 "You're worn out.",
                 "It sounds like part of you wants to go home, and part of you is afraid of what's waiting there.",
                 "Let me sum up what I've heard so far, and you tell me what I missed."]:
        iv.ask_text(text)
    miti = iv.end().miti
    assert miti is not None and miti.ratio == 3.0 and miti.complex_reflections == 2
    assert any("MITI's 'good' level" in m for m in miti.messages)
    assert any("2 of your 3 reflection(s) were complex" in m for m in miti.messages)


def test_complex_reflection_rule():
    from sim.interview.bank import Question

    def q(text: str, style: str = "reflection") -> Question:
        return Question.model_validate({"id": "x", "domain": "general", "style": style, "text": text})

    assert not is_complex(q("You're tired."))
    assert is_complex(q("You're tired, but you keep going because your kids need you."))
    assert is_complex(q("So far you've told me three things.", "summarizing"))


def test_menu_questions_are_coded_too_and_unclear_turns_are_reported():
    iv = start(ipv_case(), seed=0)
    for qid in ["general.open.1", "general.reflection.1", "food_insecurity.reflection.1", "general.empathic.1"]:
        iv.ask(qid)
    iv.ask_text("flurb blarg snorp")
    miti = code(iv.transcript)
    assert (miti.questions, miti.reflections, miti.unclear) == (1, 2, 1)
    assert any('"flurb blarg snorp"' in m and "did not understand" in m for m in miti.messages)


def test_classification_is_a_frozen_model_with_its_reading_in_words():
    reading = classify("Do you have health insurance right now?")
    assert isinstance(reading, Classification) and reading.description == "a closed question about insurance"
    with pytest.raises(pydantic.ValidationError, match="frozen"):
        reading.domain = "general"
