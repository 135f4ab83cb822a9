"""`sim instruments list|show|score`."""
from __future__ import annotations

import pytest

from sim import instruments as I
from sim.cli import main


def test_list_names_every_instrument(capsys):
    assert main(["instruments", "list"]) == 0
    out = capsys.readouterr().out
    for instrument_id in I.instrument_ids():
        assert instrument_id in out
    assert "total 0-27; bands minimal, mild, moderate, moderately severe, severe" in out


@pytest.mark.parametrize("instrument_id", I.instrument_ids())
def test_show_every_instrument(capsys, instrument_id):
    assert main(["instruments", "show", instrument_id]) == 0
    out = capsys.readouterr().out
    defn = I.get(instrument_id)
    assert defn.name in out and "Source:" in out
    for item in defn.items:
        assert item.id in out
    for band in defn.bands:
        assert f"{band.min}-{band.max} {band.label}" in out


def test_show_phq9_tells_how_it_is_scored(capsys):
    main(["instruments", "show", "phq9"])
    out = capsys.readouterr().out
    assert "Nearly every day = 3" in out
    assert "15-19 moderately severe" in out
    assert "complete the C-SSRS screener today" in out
    assert "44249-1" in out


def test_show_auditc_and_lace_rules(capsys):
    main(["instruments", "show", "auditc"])
    assert "male 4 or more" in capsys.readouterr().out
    main(["instruments", "show", "lace"])
    assert "4-6 -> 4" in capsys.readouterr().out


def test_unknown_id_is_one_line_exit_2(capsys):
    assert main(["instruments", "show", "phq8"]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "did you mean 'phq9'" in err and "Traceback" not in err


def test_score_command(capsys):
    assert main(["instruments", "score", "phq9", "0", "0", "0", "0", "0", "0", "0", "0", "1"]) == 0
    out = capsys.readouterr().out
    assert "total 1/27 (minimal)" in out and "C-SSRS screener today" in out
    assert main(["instruments", "score", "auditc", "1", "1", "1", "--sex", "female"]) == 0
    assert "positive" in capsys.readouterr().out
    assert main(["instruments", "score", "cssrs_screener", "q1=no", "q2=no", "q6=yes",
                 "--recency", "past_month"]) == 0
    assert "(high)" in capsys.readouterr().out
    assert main(["instruments", "score", "lace", "los_days=14", "emergent=yes", "charlson=0",
                 "ed_visits=0"]) == 0
    assert "total 10/19 (high)" in capsys.readouterr().out


@pytest.mark.parametrize("argv, text", [
    (["instruments", "score", "phq9", "1", "1"], "expects 9 item points"),
    (["instruments", "score", "phq9", *["x"] * 9], "whole numbers"),
    (["instruments", "score", "ahc_hrsn", "q1"], "question=option"),
    (["instruments", "score", "cssrs_screener", "q1=no", "q2=no", "q3=yes", "q6=no"], "only when q2 is yes"),
])
def test_score_errors_are_one_line(capsys, argv, text):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert text in err and err.count("\n") == 1


def test_lace_with_a_part_missing_names_it_in_words(capsys):
    from sim.cli import main

    assert main(["instruments", "score", "lace", "los_days=4"]) == 2
    err = capsys.readouterr().err
    assert "Acuity (emergent admission) (emergent=) is not answered yet" in err


def test_auditc_without_sex_names_the_option(capsys):
    from sim.cli import main

    assert main(["instruments", "score", "auditc", "1", "1", "1"]) == 2
    assert "--sex female or --sex male" in capsys.readouterr().err
