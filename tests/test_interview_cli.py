"""``sim interview CASE``: scripted and interactive runs, errors as one line with exit 2."""
from __future__ import annotations

import argparse
import io
from pathlib import Path

import yaml

from sim.cli import main
from sim.cli.interview import run
from test_interview import ipv_case


def _case_file(tmp_path: Path) -> str:
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(ipv_case().model_dump(mode="json"), sort_keys=False), encoding="utf-8")
    return str(path)


def test_scripted_interview_prints_replies_feedback_and_crisis(tmp_path, capsys):
    path = _case_file(tmp_path)
    code = main(["interview", path, "--seed", "3", "--script",
                 "private_setting,general.empathic.1,domestic_violence.empathic.1", "--transcript"])
    out = capsys.readouterr().out
    assert code == 0
    assert "synthetic patient" in out
    assert "He pushed me down the stairs" in out
    assert "\nCrisis actions\n" in out and "  ✔ Intimate partner violence disclosed: private_setting met" in out
    assert "✘ Intimate partner violence disclosed: ipv_safety_planning missed" in out
    assert "# Interview transcript" in out


def test_unknown_script_id_is_one_line_exit_2_and_runs_nothing(tmp_path, capsys):
    code = main(["interview", _case_file(tmp_path), "--script", "general.open.1,general.opne.2"])
    captured = capsys.readouterr()
    assert code == 2 and captured.out == ""
    assert captured.err.strip().count("\n") == 0 and "did you mean 'general.open.2'" in captured.err


def test_interactive_numbers_topics_actions_and_bad_choice(tmp_path):
    args = argparse.Namespace(case=_case_file(tmp_path), seed=0, budget=None, script=None, transcript=False)
    stdin, out = io.StringIO("1\nt\n99\nt\n15\n10\na\n5\n0\ne\n"), io.StringIO()
    assert run(args, stdin=stdin, out=out) == 0
    text = out.getvalue()
    assert "You: What brings you here today" in text
    assert "choose a number from 1 to 20, not '99'" in text
    assert "Topic: domestic_violence" in text
    assert "You: You deserve to feel safe" in text
    assert "[Move to a private setting" in text
    assert "choose a number from 1 to 17, not '0'" in text
    assert "\nFeedback\n  • " in text


def test_transcript_is_identical_across_processes_and_hash_seeds(tmp_path):
    import os
    import subprocess
    import sys

    path = _case_file(tmp_path)
    script = ",".join(["general.open.1", "general.reflection.2", "food_insecurity.open.1", "private_setting",
                       "domestic_violence.empathic.1", "general.open.4", "general.summarizing.1"])
    outputs = set()
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        done = subprocess.run([sys.executable, "-m", "sim", "interview", path, "--seed", "9", "--script", script,
                               "--transcript"], capture_output=True, text=True, env=env, check=True)
        outputs.add(done.stdout)
    assert len(outputs) == 1 and "Interview transcript" in outputs.pop()


def test_list_shows_the_ids_a_script_may_use(tmp_path, capsys):
    code = main(["interview", _case_file(tmp_path), "--list"])
    out = capsys.readouterr().out
    assert code == 0
    assert "use_interpreter" in out and "private_setting" in out
    assert "general.open.1" in out and "domestic_violence.empathic.1" in out


def test_unknown_script_id_names_the_action_ids_and_the_list_option(tmp_path, capsys):
    code = main(["interview", _case_file(tmp_path), "--script", "interpreter"])
    err = capsys.readouterr().err
    assert code == 2 and "use_interpreter" in err and "--list" in err
    assert "interview.questions()" not in err


def test_output_into_a_closed_pipe_ends_quietly(tmp_path, monkeypatch):
    class ClosedPipe(io.StringIO):
        def write(self, text: str) -> int:
            raise BrokenPipeError(32, "Broken pipe")

    path = _case_file(tmp_path)
    monkeypatch.setattr("sys.stdout", ClosedPipe())
    assert main(["interview", path, "--list"]) == 141


def test_a_script_that_outruns_the_budget_stops_and_still_gives_feedback(tmp_path, capsys):
    code = main(["interview", _case_file(tmp_path), "--budget", "1", "--script",
                 "general.open.1,general.open.2,general.open.3"])
    out = capsys.readouterr().out
    assert code == 0
    assert "time budget is spent" in out and "the rest of the script is not run" in out
    assert "\nFeedback\n  • " in out


def test_a_script_that_outruns_the_budget_names_the_actions_it_did_not_reach(tmp_path, capsys):
    code = main(["interview", _case_file(tmp_path), "--budget", "3", "--script",
                 "general.open.1,general.open.2,general.open.3,ipv_safety_planning,private_setting,general.open.4"])
    out = capsys.readouterr().out
    assert code == 0
    assert "! not reached in time: action ipv_safety_planning (IPV safety planning" in out
    assert "! not reached in time: action private_setting (Move to a private setting" in out
    assert "! not reached in time: 2 question(s): general.open.3, general.open.4" in out
    assert "2 action(s) of the script were not taken" in out and "longer --budget (now 3 minutes)" in out


def test_interactive_typed_words_are_read_and_answered(tmp_path):
    args = argparse.Namespace(case=_case_file(tmp_path), seed=2, budget=None, script=None, transcript=False)
    lines = "How do you manage food from week to week?\nqwzx vbnm\n   \ne\n"
    out = io.StringIO()
    assert run(args, stdin=io.StringIO(lines), out=out) == 0
    text = out.getvalue()
    assert "You: How do you manage food from week to week?" in text
    assert "[read as an open question about food, confidence" in text
    assert "skips meals at the end of the month" in text.lower()
    assert "(the patient did not follow)" in text
    assert "\nFeedback\n  • " in text and "reflection-to-question ratio" not in text  # too few turns for MITI


def test_say_option_runs_typed_words_after_the_script(tmp_path, capsys):
    code = main(["interview", _case_file(tmp_path), "--seed", "2", "--script", "general.open.1",
                 "--say", "It sounds like money has been tight.", "--say", "Do you drink alcohol?"])
    out = capsys.readouterr().out
    assert code == 0
    assert out.index("You: What brings you here today") < out.index("You: It sounds like money has been tight.")
    assert "[read as a reflection about money" in out and "[read as a closed question about alcohol and drugs" in out


def test_say_with_unusable_words_is_one_line_exit_2(tmp_path, capsys):
    code = main(["interview", _case_file(tmp_path), "--say", "x" * 600])
    captured = capsys.readouterr()
    assert code == 2 and "at most 500 characters" in captured.err and captured.err.strip().count("\n") == 0
    assert captured.out == ""
