"""Scoring of the screening instruments: every band boundary, rule and error."""
from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sim.interview
from sim import instruments as I
from sim.errors import SimValueError
from sim.instruments import (
    ContextError,
    InstrumentError,
    ItemCountError,
    MissingAnswerError,
    PointsError,
    SkipLogicError,
    UnknownInstrumentError,
    UnknownOptionError,
    UnknownQuestionError,
)

ALL_IDS = ["ahc_hrsn", "ahc_hrsn_supplemental", "auditc", "cssrs_screener", "gad7", "hits", "katz_adl", "lace",
           "lawton_iadl", "phq2", "phq9", "zbi12", "zbi4"]


def items_for(instrument_id: str, total: int) -> list[int]:
    """Item points in item order adding up to ``total``, filling items from the first."""
    defn = I.get(instrument_id)
    points = [item.min_points for item in defn.items]
    rest = total - sum(points)
    for i, item in enumerate(defn.items):
        add = min(rest, item.max_points - points[i])
        points[i] += add
        rest -= add
    assert rest == 0, f"{total} out of range for {instrument_id}"
    return points


def test_every_instrument_is_listed_and_loads():
    assert I.instrument_ids() == ALL_IDS
    assert [d.id for d in I.list_instruments()] == ALL_IDS
    for defn in I.list_instruments():
        assert defn.source and defn.purpose


@pytest.mark.parametrize("total, band", [
    (0, "minimal"), (4, "minimal"), (5, "mild"), (9, "mild"), (10, "moderate"), (14, "moderate"),
    (15, "moderately severe"), (19, "moderately severe"), (20, "severe"), (27, "severe")])
def test_phq9_bands(total, band):
    result = I.score("phq9", items_for("phq9", total))
    assert result.total == total and result.band == band and result.max_total == 27


def test_phq9_item9_flags_whatever_the_total():
    result = I.score("phq9", [0, 0, 0, 0, 0, 0, 0, 0, 1])
    assert result.total == 1 and result.band == "minimal"
    assert any("item 9" in f for f in result.flags)
    assert "PHQ-9 item 9 is positive: complete the C-SSRS screener today" in result.next_steps
    assert result.next_steps[0].startswith("PHQ-9 item 9")
    clean = I.score("phq9", [3, 3, 3, 3, 3, 3, 3, 0, 0])
    assert clean.band == "severe" and clean.flags == []
    assert not any("C-SSRS" in s for s in clean.next_steps)


def test_phq9_positive_at_10_and_loinc():
    assert I.score("phq9", items_for("phq9", 9)).positive is False
    assert I.score("phq9", items_for("phq9", 10)).positive is True
    loinc = I.get("phq9").loinc
    assert (loinc.panel, loinc.total) == ("44249-1", "44261-6")


@pytest.mark.parametrize("points, positive", [([1, 1], False), ([2, 0], False), ([1, 2], True),
                                              ([3, 3], True), ([0, 0], False)])
def test_phq2_positive_at_3(points, positive):
    result = I.score("phq2", points)
    assert result.positive is positive and result.total == sum(points) and result.band is None
    assert any("full PHQ-9" in s for s in result.next_steps) is positive


@pytest.mark.parametrize("total, band", [(0, "minimal"), (4, "minimal"), (5, "mild"), (9, "mild"),
                                         (10, "moderate"), (14, "moderate"), (15, "severe"),
                                         (21, "severe")])
def test_gad7_bands(total, band):
    result = I.score("gad7", items_for("gad7", total))
    assert result.band == band
    assert result.positive is (total >= 10)
    assert any("further evaluation" in s for s in result.next_steps) is (total >= 10)


@pytest.mark.parametrize("sex, total, positive", [
    ("female", 2, False), ("female", 3, True), ("male", 3, False), ("male", 4, True)])
def test_auditc_cut_offs_by_sex(sex, total, positive):
    assert I.score("auditc", items_for("auditc", total), sex=sex).positive is positive


def test_auditc_needs_a_known_sex():
    with pytest.raises(ContextError, match="sex"):
        I.score("auditc", [1, 1, 1])
    with pytest.raises(ContextError, match="female, male"):
        I.score("auditc", [1, 1, 1], sex="unknown")


def test_hits_10_negative_11_positive_and_minimum_4():
    assert I.score("hits", [1, 1, 4, 4]).positive is False
    assert I.score("hits", [1, 2, 4, 4]).positive is True
    assert I.score("hits", [1, 1, 1, 1]).total == 4
    with pytest.raises(PointsError, match="allowed: 1, 2, 3, 4, 5"):
        I.score("hits", [0, 1, 1, 1])


@pytest.mark.parametrize("instrument_id, cut", [("zbi4", 8), ("zbi12", 17)])
def test_zbi_cut_offs(instrument_id, cut):
    assert I.score(instrument_id, items_for(instrument_id, cut - 1)).positive is False
    assert I.score(instrument_id, items_for(instrument_id, cut)).positive is True
    assert any("not confirmed from the primary paper" in n for n in I.get(instrument_id).notes)


@pytest.mark.parametrize("total, band", [(6, "full function"), (5, "moderate impairment"),
                                         (4, "moderate impairment"), (3, "moderate impairment"),
                                         (2, "severe impairment"), (0, "severe impairment")])
def test_katz_bands(total, band):
    assert I.score("katz_adl", items_for("katz_adl", total)).band == band


def test_lawton_is_0_to_8_for_everyone():
    defn = I.get("lawton_iadl")
    assert len(defn.items) == 8 and defn.max_total == 8
    assert {"food_preparation", "housekeeping", "laundry"} <= {i.id for i in defn.items}
    assert I.score("lawton_iadl", [1] * 8).total == 8
    assert I.score("lawton_iadl", [0] * 8).total == 0
    assert any("bias" in n for n in defn.notes)
    with pytest.raises(ContextError):
        I.score("lawton_iadl", [1] * 8, sex="male")


@pytest.mark.parametrize("los, points", [(0, 0), (0.5, 0), (1, 1), (2, 2), (3, 3), (4, 4), (6, 4),
                                         (7, 5), (13, 5), (14, 7), (40, 7)])
def test_lace_length_of_stay_table(los, points):
    result = I.lace(los_days=los, emergent=False, charlson=0, ed_visits=0)
    assert result.components["L"] == points and result.total == points


@pytest.mark.parametrize("charlson, points", [(0, 0), (1, 1), (2, 2), (3, 3), (4, 5), (9, 5)])
def test_lace_charlson_table(charlson, points):
    assert I.lace(los_days=0, emergent=False, charlson=charlson, ed_visits=0).components["C"] == points


@pytest.mark.parametrize("visits, points", [(0, 0), (1, 1), (2, 2), (3, 3), (4, 4), (12, 4)])
def test_lace_ed_visits_table(visits, points):
    assert I.lace(los_days=0, emergent=False, charlson=0, ed_visits=visits).components["E"] == points


def test_lace_acuity_and_bands():
    assert I.lace(los_days=0, emergent=True, charlson=0, ed_visits=0).components["A"] == 3
    assert I.lace(los_days=0, emergent=False, charlson=0, ed_visits=0).components["A"] == 0
    assert I.lace(los_days=1, emergent=True, charlson=0, ed_visits=0).band == "low"       # 4
    assert I.lace(los_days=2, emergent=True, charlson=0, ed_visits=0).band == "moderate"  # 5
    assert I.lace(los_days=4, emergent=True, charlson=2, ed_visits=0).band == "moderate"  # 9
    assert I.lace(los_days=4, emergent=True, charlson=3, ed_visits=0).band == "high"      # 10
    top = I.lace(los_days=30, emergent=True, charlson=6, ed_visits=9)
    assert top.total == 19 and top.band == "high" and top.next_steps
    same = I.score("lace", los_days=30, emergent=True, charlson=6, ed_visits=9)
    assert same == top


def test_lace_errors():
    with pytest.raises(MissingAnswerError, match="charlson"):
        I.score("lace", los_days=1, emergent=False, ed_visits=0)
    with pytest.raises(PointsError, match="los_days"):
        I.lace(los_days=-1, emergent=False, charlson=0, ed_visits=0)
    with pytest.raises(ContextError, match="acuity"):
        I.score("lace", los_days=1, emergent=False, charlson=0, ed_visits=0, acuity=3)


AHC_NONE = {"q1": "steady", "q2": "none", "q3": "never", "q4": "never", "q5": "no", "q6": "no",
            "q7": "never", "q8": "never", "q9": "never", "q10": "never"}


def test_ahc_no_needs():
    result = I.score("ahc_hrsn", AHC_NONE)
    assert result.domains == {"housing_instability": False, "food_insecurity": False,
                              "transportation": False, "utilities": False,
                              "interpersonal_safety": False}
    assert result.positive is False and result.subtotals["interpersonal_safety"] == 4
    assert I.get("ahc_hrsn").loinc.panel == "96777-8"


def test_ahc_interpersonal_safety_next_step_covers_children_and_older_adults():
    # The AHC safety items ask about anyone (family, caregivers), not only a partner: the next
    # step must name the mandated report for a child or a dependent adult, and safety planning.
    result = I.score("ahc_hrsn", {**AHC_NONE, "q7": "frequently", "q8": "frequently", "q9": "rarely"})
    step = next(s for s in result.next_steps if s.startswith("Interpersonal safety"))
    assert "safety plan" in step and "child or adult protective services" in step


@pytest.mark.parametrize("changes, domain, positive", [
    ({"q1": "worried"}, "housing_instability", True),
    ({"q1": "no_steady_place"}, "housing_instability", True),
    ({"q2": "mold"}, "housing_instability", True),
    ({"q2": ["pests", "water_leaks"]}, "housing_instability", True),
    ({"q2": ["none"]}, "housing_instability", False),
    ({"q3": "often"}, "food_insecurity", True),
    ({"q3": "sometimes"}, "food_insecurity", True),
    ({"q4": "sometimes"}, "food_insecurity", True),
    ({"q4": "often"}, "food_insecurity", True),
    ({"q5": "yes"}, "transportation", True),
    ({"q6": "yes"}, "utilities", True),
    ({"q6": "already_shut_off"}, "utilities", True),
    ({"q7": "fairly_often", "q8": "rarely", "q9": "rarely", "q10": "rarely"}, "interpersonal_safety", False),  # 10
    ({"q7": "fairly_often", "q8": "rarely", "q9": "rarely", "q10": "sometimes"}, "interpersonal_safety", True),  # 11
])
def test_ahc_domain_rules(changes, domain, positive):
    result = I.score("ahc_hrsn", {**AHC_NONE, **changes})
    assert result.domains[domain] is positive
    assert sum(result.domains.values()) == int(positive)
    assert result.positive is positive
    assert bool(result.next_steps) is positive


def test_ahc_errors():
    with pytest.raises(UnknownOptionError, match="q3.*options: often, sometimes, never"):
        I.score("ahc_hrsn", {**AHC_NONE, "q3": "rarely"})
    with pytest.raises(UnknownQuestionError, match="q11"):
        I.score("ahc_hrsn", {**AHC_NONE, "q11": "no"})
    missing = dict(AHC_NONE)
    del missing["q5"]
    with pytest.raises(MissingAnswerError, match="q5"):
        I.score("ahc_hrsn", missing)
    with pytest.raises(InstrumentError, match="none"):
        I.score("ahc_hrsn", {**AHC_NONE, "q2": ["none", "mold"]})
    with pytest.raises(InstrumentError, match="one answer"):
        I.score("ahc_hrsn", {**AHC_NONE, "q1": ["steady", "worried"]})


CSSRS_NO = {"q1": "no", "q2": "no", "q6": "no"}


@pytest.mark.parametrize("answers, recency, level", [
    (CSSRS_NO, None, "none"),
    ({"q1": "yes", "q2": "no", "q6": "no"}, None, "low"),
    ({"q1": True, "q2": True, "q3": False, "q4": False, "q5": False, "q6": False}, None, "low"),
    ({"q1": "yes", "q2": "yes", "q3": "yes", "q4": "no", "q5": "no", "q6": "no"}, None, "moderate"),
    ({"q1": "no", "q2": "no", "q6": "yes"}, "lifetime", "moderate"),
    ({"q1": "yes", "q2": "yes", "q3": "yes", "q4": "yes", "q5": "no", "q6": "no"}, None, "high"),
    ({"q1": "yes", "q2": "yes", "q3": "no", "q4": "no", "q5": "yes", "q6": "no"}, None, "high"),
    ({"q1": "no", "q2": "no", "q6": "yes"}, "past_3_months", "high"),
    ({"q1": "no", "q2": "no", "q6": "yes"}, "past_month", "high"),
    ({"q1": "yes", "q2": "yes", "q3": "yes", "q4": "no", "q5": "no", "q6": "yes"}, "lifetime", "moderate"),
])
def test_cssrs_risk_levels(answers, recency, level):
    result = I.score("cssrs_screener", answers, recency=recency)
    assert result.band == level
    assert result.positive is (level != "none")
    if level == "high":
        assert "urgent mental health evaluation" in result.next_steps[0]
        assert "high suicide risk" in result.flags
    if level == "none":
        assert result.flags == [] and result.next_steps == []


def test_cssrs_skip_logic():
    with pytest.raises(SkipLogicError, match="q3.*only when q2 is yes"):
        I.score("cssrs_screener", {"q1": "yes", "q2": "no", "q3": "yes", "q6": "no"})
    # skipped questions may be given as None
    assert I.score("cssrs_screener", {"q1": "yes", "q2": "no", "q3": None, "q4": None,
                                      "q5": None, "q6": "no"}).band == "low"
    with pytest.raises(MissingAnswerError, match="q4"):
        I.score("cssrs_screener", {"q1": "yes", "q2": "yes", "q3": "no", "q6": "no"})
    with pytest.raises(MissingAnswerError, match="q6"):
        I.score("cssrs_screener", {"q1": "no", "q2": "no"})


def test_cssrs_recency_rules():
    with pytest.raises(ContextError, match="recency"):
        I.score("cssrs_screener", {"q1": "no", "q2": "no", "q6": "yes"})
    with pytest.raises(ContextError, match="recency"):
        I.score("cssrs_screener", CSSRS_NO, recency="past_month")
    with pytest.raises(ContextError, match="lifetime"):
        I.score("cssrs_screener", {"q1": "no", "q2": "no", "q6": "yes"}, recency="last year")
    in_mapping = I.score("cssrs_screener", {"q1": "no", "q2": "no", "q6": "yes", "recency": "lifetime"})
    assert in_mapping.band == "moderate"
    with pytest.raises(UnknownOptionError, match="yes, no"):
        I.score("cssrs_screener", {"q1": "maybe", "q2": "no", "q6": "no"})


def test_errors_are_value_errors_naming_instrument_and_item():
    with pytest.raises(ItemCountError, match=r"phq9: expects 9 item points .* got 8"):
        I.score("phq9", [0] * 8)
    with pytest.raises(PointsError, match=r"phq9: item 9 \(q9.*got 4 points; allowed: 0, 1, 2, 3"):
        I.score("phq9", [0] * 8 + [4])
    with pytest.raises(PointsError, match="whole points"):
        I.score("gad7", [0] * 6 + [1.5])
    with pytest.raises(InstrumentError, match="list of 7 item points"):
        I.score("gad7", "0000000")
    with pytest.raises(UnknownInstrumentError, match="did you mean 'phq9'") as info:
        I.score("phq8", [0])
    assert isinstance(info.value, ValueError) and isinstance(info.value, SimValueError)
    for cls in (ItemCountError, PointsError, UnknownOptionError,
                SkipLogicError, ContextError, MissingAnswerError):
        assert issubclass(cls, InstrumentError) and issubclass(cls, ValueError)
    # One error for an unknown question id, in an instrument or in the interview's question bank.
    assert UnknownQuestionError is sim.interview.UnknownQuestionError and issubclass(UnknownQuestionError, ValueError)


def test_numpy_points_are_accepted():
    np = pytest.importorskip("numpy")
    assert I.score("phq9", np.array([1] * 9)).total == 9


def test_cut_off_edited_in_the_data_follows(monkeypatch):
    from sim import tables
    from sim.instruments.definition import Instrument

    original = I.get("phq2")
    edited = original.model_copy(deep=True)
    edited.positive.min_total = 4
    monkeypatch.setitem(tables._model_cache, ("instruments/phq2.yaml", Instrument), edited)
    assert I.score("phq2", [1, 2]).positive is False
    assert I.score("phq2", [2, 2]).positive is True
    monkeypatch.undo()
    assert I.score("phq2", [1, 2]).positive is True


def test_instructor_copy_of_a_data_file(tmp_path):
    from importlib import resources

    text = resources.files("sim").joinpath("data", "instruments", "zbi4.yaml").read_text()
    assert "min_total: 8" in text
    copy = tmp_path / "zbi4.yaml"
    copy.write_text(text.replace("min_total: 8", "min_total: 10"))
    edited = I.load_file(copy)
    assert I.score(edited, [2, 2, 2, 2]).positive is False
    assert I.score("zbi4", [2, 2, 2, 2]).positive is True


def test_band_gap_in_an_edited_file_is_rejected(tmp_path):
    from importlib import resources

    from sim.errors import DataTableError

    text = resources.files("sim").joinpath("data", "instruments", "gad7.yaml").read_text()
    copy = tmp_path / "gad7.yaml"
    copy.write_text(text.replace("{label: mild, min: 5,", "{label: mild, min: 6,"))
    with pytest.raises(DataTableError, match="gap or overlap"):
        I.load_file(copy)


SUMMED = ["phq9", "phq2", "gad7", "hits", "zbi4", "zbi12", "katz_adl", "lawton_iadl"]


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(SUMMED + ["auditc"]), st.data())
def test_totals_stay_in_range(instrument_id, data):
    defn = I.get(instrument_id)
    points = [data.draw(st.sampled_from(sorted({o.points for o in item.options})))
              for item in defn.items]
    context = {"sex": data.draw(st.sampled_from(["female", "male"]))} if defn.context else {}
    for k, item in enumerate(defn.items):  # skip logic: a skipped item scores 0 (AUDIT-C)
        for other, options in item.zero_if.items():
            j = [i.id for i in defn.items].index(other)
            if next(o.id for o in defn.items[j].options if o.points == points[j]) in options:
                points[k] = 0
    result = I.score(instrument_id, points, **context)
    assert defn.min_total <= result.total <= defn.max_total
    assert result.total == sum(points)


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(["phq9", "gad7", "katz_adl", "zbi12", "hits"]), st.data())
def test_bands_and_positive_are_monotone_in_the_total(instrument_id, data):
    defn = I.get(instrument_id)
    low = data.draw(st.integers(defn.min_total, defn.max_total))
    high = data.draw(st.integers(low, defn.max_total))
    a, b = I.score(instrument_id, items_for(instrument_id, low)), I.score(instrument_id, items_for(instrument_id, high))
    labels = [band.label for band in defn.bands]
    if labels:
        assert labels.index(a.band) <= labels.index(b.band)
    if a.positive is not None:
        assert not (a.positive and not b.positive)


@settings(max_examples=40, deadline=None)
@given(st.floats(0, 60), st.booleans(), st.integers(0, 12), st.integers(0, 20))
def test_lace_in_range(los, emergent, charlson, visits):
    result = I.lace(los_days=los, emergent=emergent, charlson=charlson, ed_visits=visits)
    assert 0 <= result.total <= 19 and result.total == sum(result.components.values())


def test_auditc_q2_q3_are_skipped_after_never():
    # Q1 "Never": no drinking in the past year, so Q2 and Q3 are skipped and score 0 (Bush 1998).
    with pytest.raises(PointsError, match="q2.*must be 0 when q1 is 'Never'"):
        I.score("auditc", [0, 2, 1], sex="female")
    with pytest.raises(PointsError, match="q3"):
        I.score("auditc", [0, 0, 1], sex="male")
    assert I.score("auditc", [0, 0, 0], sex="female").positive is False
    assert I.score("auditc", [1, 1, 1], sex="female").positive is True
    from sim.instruments.describe import describe

    assert "skipped, scoring 0, if q1 is never" in describe(I.get("auditc"))


SUPPLEMENTAL_NONE = {
    "financial": "not_hard", "employment": "no_help", "daily_help": "no_need", "lonely": "rarely",
    "other_language": "no", "school": "no", "exercise_days": "3", "exercise_minutes": "60",
    "drinks": "never", "tobacco": "never", "prescription": "never", "drugs": "never",
    "interest": "not_at_all", "down": "several_days", "stress": "a_little", "concentrating": "no", "errands": "no",
}


def test_the_ahc_supplemental_domains_have_items_and_the_tools_rules():
    defn = I.get("ahc_hrsn_supplemental")
    assert {d.id for d in defn.domains} == {
        "financial_strain", "employment", "family_community_support", "education", "physical_activity",
        "substance_use", "mental_health", "disabilities"}
    for domain in defn.domains:
        for cond in domain.any_of:
            for item in [cond.item, *cond.items]:
                assert item is None or defn.item(item) is not None, (domain.id, item)
    assert not any(I.score("ahc_hrsn_supplemental", SUPPLEMENTAL_NONE).domains.values())
    cases = [({"financial": "somewhat_hard"}, "financial_strain"), ({"employment": "keeping"}, "employment"),
             ({"lonely": "often"}, "family_community_support"),
             ({"daily_help": "lot_more"}, "family_community_support"),
             ({"school": "yes"}, "education"), ({"exercise_days": "0"}, "physical_activity"),
             ({"tobacco": "monthly"}, "substance_use"), ({"drugs": "once_or_twice"}, "substance_use"),
             ({"interest": "several_days", "down": "more_than_half"}, "mental_health"),  # PHQ-2 of 3
             ({"stress": "quite_a_bit"}, "mental_health"), ({"errands": "yes"}, "disabilities")]
    for change, domain in cases:
        result = I.score("ahc_hrsn_supplemental", {**SUPPLEMENTAL_NONE, **change})
        assert [d for d, on in result.domains.items() if on] == [domain], change
    # A PHQ-2 of 2 is not positive; speaking another language at home is not a need by itself.
    quiet = I.score("ahc_hrsn_supplemental", {**SUPPLEMENTAL_NONE, "down": "more_than_half", "other_language": "yes"})
    assert not any(quiet.domains.values())


def test_the_supplemental_questions_are_scored_by_hand_not_synthesized():
    from sim.instruments.errors import SynthesisError
    from sim.instruments.synthesis import synth_width

    with pytest.raises(SynthesisError, match=r"score\('ahc_hrsn_supplemental', answers\)"):
        synth_width("ahc_hrsn_supplemental")


@pytest.mark.parametrize(("days", "minutes", "flagged"), [
    ("3", "50", False),   # 150 minutes a week: enough
    ("2", "60", True),    # 120
    ("1", "150", False),  # "150 or greater" on one day
    ("7", "20", True),    # 140
    ("5", "30", False),   # 150
    ("0", "150", True),   # no day of exercise
    ("4", "0", True),
])
def test_ahc_physical_activity_is_days_times_minutes_under_150(days, minutes, flagged):
    # CMS AHC HRSN screening tool (2021): under 150 minutes a week of moderate to strenuous exercise
    answers = {**SUPPLEMENTAL_NONE, "exercise_days": days, "exercise_minutes": minutes}
    assert I.score("ahc_hrsn_supplemental", answers).domains["physical_activity"] is flagged
    defn = I.get("ahc_hrsn_supplemental")
    row = [[[o.id for o in item.options].index(answers[item.id]) for item in defn.items]]
    assert bool(I.score_arrays("ahc_hrsn_supplemental", row)["domain_physical_activity"][0]) is flagged


@pytest.mark.parametrize(("condition", "says"), [
    ({"item": "exercise_days", "product_below": 150}, "product_below multiplies the points of two or more items"),
    ({"items": ["exercise_days"], "product_below": 150}, "product_below multiplies the points of two or more items"),
    ({"items": ["exercise_days", "exercise_minutes"], "product_below": 150, "min_points": 3},
     "either min_points (a sum) or product_below (a product), not both"),
    ({"items": ["exercise_days", "exercise_minutes"], "product_below": 0}, "greater than or equal to 1"),
])
def test_a_malformed_product_rule_is_refused(condition, says):
    from pydantic import ValidationError

    from sim.instruments.definition import Condition

    with pytest.raises(ValidationError, match=re.escape(says)):
        Condition.model_validate(condition)


def test_the_product_rule_is_described():
    from sim.instruments.describe import describe

    assert "exercise_days x exercise_minutes < 150" in describe(I.get("ahc_hrsn_supplemental"))
