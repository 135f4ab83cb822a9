"""Answer forms: range messages for ranges with one open bound."""
from __future__ import annotations

import pytest

from sim.grading import forms as forms_module
from sim.grading.forms import AnswerForm, AnswerFormError, check_form


@pytest.fixture
def open_ranges(monkeypatch: pytest.MonkeyPatch) -> None:
    table = {"x_low_only": AnswerForm(kind="float", lo=0),
             "x_high_only": AnswerForm(kind="int", hi=10),
             "x_open": AnswerForm(kind="float")}
    monkeypatch.setattr(forms_module, "forms", lambda: table)


def test_a_low_bound_without_a_high_bound_names_the_low_bound(open_ranges: None) -> None:
    assert check_form("x_low_only", 2.5) == 2.5
    with pytest.raises(AnswerFormError, match=r"x_low_only: -1 is not allowed; expected a number of at least 0"):
        check_form("x_low_only", -1)


def test_a_high_bound_without_a_low_bound_names_the_high_bound(open_ranges: None) -> None:
    assert check_form("x_high_only", -3) == -3
    with pytest.raises(AnswerFormError, match=r"expected a number of at most 10"):
        check_form("x_high_only", 11)


def test_nan_without_bounds_is_refused_with_a_message(open_ranges: None) -> None:
    with pytest.raises(AnswerFormError, match=r"x_open: nan is not allowed; expected a number \(not NaN\)"):
        check_form("x_open", float("nan"))


def test_a_closed_range_keeps_its_message() -> None:
    with pytest.raises(AnswerFormError, match=r"a1_phq9_total: 28 is not allowed; expected a number from 0 to 27"):
        check_form("a1_phq9_total", 28)
