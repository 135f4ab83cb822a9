"""``sim cohort`` and ``sim patient`` on the command line: files, formats, bad input."""
from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest

import sim
from sim.cli import main


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("ext", [".csv", ".parquet", ".jsonl"])
def test_writes_each_format(tmp_path, capsys, ext):
    path = tmp_path / f"cohort{ext}"
    code, _, err = _run(capsys, "cohort", "--n", "40", "--seed", "9", "--out", str(path))
    assert code == 0 and "40" in err
    if ext == ".csv":
        df = pd.read_csv(path)
    elif ext == ".parquet":
        df = pd.read_parquet(path)
    else:
        df = pd.read_json(path, lines=True)
    assert len(df) == 40 and df["synthetic"].all()
    expected = sim.cohort(40, 9, progress=False)
    assert list(df["id"]) == list(expected["id"])
    assert list(df["need_food_insecurity"]) == list(expected["need_food_insecurity"])
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary file left


def test_csv_matches_the_library_byte_for_byte(tmp_path, capsys):
    path = tmp_path / "c.csv"
    assert _run(capsys, "cohort", "--n", "25", "--seed", "4", "--setting", "oncology", "--out", str(path))[0] == 0
    expected = sim.cohort(25, 4, setting="oncology", progress=False).to_csv(index=False)
    assert path.read_text() == expected


@pytest.mark.parametrize("argv, needle", [
    (["--n", "-5"], "-5"),
    (["--n", "abc"], "'abc'"),
    (["--n", "0"], "0"),
    (["--n", "1.5"], "'1.5'"),
    (["--n", "5", "--seed", "-1"], "-1"),
    (["--n", "5", "--setting", "oncolgy"], "did you mean 'oncology'"),
])
def test_bad_input_is_one_line_exit_2_no_file(tmp_path, capsys, argv, needle):
    path = tmp_path / "out.csv"
    code, out, err = _run(capsys, "cohort", *argv, "--out", str(path))
    assert code == 2
    assert err.startswith("sim: error: ") and err.count("\n") == 1 and needle in err
    assert "Traceback" not in err and not path.exists()
    assert list(tmp_path.iterdir()) == []


def test_unknown_extension_and_unwritable_paths(tmp_path, capsys):
    code, _, err = _run(capsys, "cohort", "--n", "5", "--out", str(tmp_path / "x.xlsx"))
    assert code == 2 and "'.xlsx'" in err and ".csv, .parquet, .jsonl" in err
    blocker = tmp_path / "plainfile"
    blocker.write_text("not a folder")
    code, _, err = _run(capsys, "cohort", "--n", "5", "--out", str(blocker / "x.csv"))
    assert code == 2 and "does not exist" in err
    code, _, err = _run(capsys, "cohort", "--n", "5", "--out", "/proc/sim-test/x.csv")
    assert code == 2 and err.startswith("sim: error: ")
    code, _, err = _run(capsys, "cohort", "--n", "5", "--out", str(tmp_path))
    assert code == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plainfile"]


def test_failed_write_leaves_no_partial_file(tmp_path, capsys, monkeypatch):
    import pandas

    def boom(self, *a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pandas.DataFrame, "to_csv", boom)
    path = tmp_path / "c.csv"
    code, _, err = _run(capsys, "cohort", "--n", "5", "--out", str(path))
    assert code == 2 and "No space left" in err
    assert list(tmp_path.iterdir()) == []


def test_patient_command_json_and_markdown(capsys):
    code, out, _ = _run(capsys, "patient", "--seed", "12", "--setting", "maternity")
    assert code == 0
    data = json.loads(out)
    assert data["synthetic"] is True and data["medical"]["setting"] == "maternity"
    assert data == json.loads(sim.generate_patient(12, setting="maternity").model_dump_json())
    code, out, _ = _run(capsys, "patient", "--seed", "12", "--format", "markdown")
    assert code == 0 and out.startswith("# ") and "## Needs" in out


def test_patient_impossible_constraint(capsys):
    code, _, err = _run(capsys, "patient", "--seed", "1", "--setting", "pediatrics_nicu", "--age-range", "70", "90")
    assert code == 2 and "pediatrics_nicu" in err and err.count("\n") == 1


def test_command_line_entry_point(tmp_path):
    path = tmp_path / "c.csv"
    res = subprocess.run([sys.executable, "-m", "sim", "cohort", "--n", "abc", "--out", str(path)],
                         capture_output=True, text=True)
    assert res.returncode == 2 and res.stderr.startswith("sim: error: ") and "Traceback" not in res.stderr


def test_workers_give_the_same_file(tmp_path, capsys):
    one, two = tmp_path / "one.csv", tmp_path / "two.csv"
    assert _run(capsys, "cohort", "--n", "2500", "--seed", "3", "--out", str(one))[0] == 0
    assert _run(capsys, "cohort", "--n", "2500", "--seed", "3", "--workers", "2", "--out", str(two))[0] == 0
    assert one.read_bytes() == two.read_bytes()
    code, _, err = _run(capsys, "cohort", "--n", "5", "--workers", "0", "--out", str(tmp_path / "x.csv"))
    assert code == 2 and "--workers 0" in err and "processes" in err  # the help says processes


def test_a_cohort_beyond_the_limit_is_refused_at_once(tmp_path, capsys):
    from sim.cli.cohort import MAX_N

    code, _, err = _run(capsys, "cohort", "--n", str(MAX_N + 1), "--out", str(tmp_path / "big.csv"))
    assert code == 2 and "allowed: 1 to 100,000,000" in err and not (tmp_path / "big.csv").exists()


@pytest.mark.parametrize("fmt", ["csv", "parquet", "jsonl"])
def test_parquet_csv_jsonl_bytes_do_not_depend_on_workers(tmp_path, capsys, monkeypatch, fmt):
    """Three chunks of patients, generated in one process or two, give the same file."""
    from sim.generate import stream

    monkeypatch.setattr(stream, "CHUNK", 400)
    n = 2 * 400 + 37
    one, two = tmp_path / f"one.{fmt}", tmp_path / f"two.{fmt}"
    assert _run(capsys, "cohort", "--n", str(n), "--seed", "5", "--out", str(one), "--no-progress")[0] == 0
    assert _run(capsys, "cohort", "--n", str(n), "--seed", "5", "--workers", "2", "--out", str(two))[0] == 0
    assert one.read_bytes() == two.read_bytes()
    if fmt == "parquet":
        import pyarrow.parquet as pq

        meta = pq.ParquetFile(one).metadata
        assert meta.num_rows == n and meta.num_row_groups == 3  # one row group per chunk: streamed
        back = pd.read_parquet(one)
        expected = sim.cohort(n, 5, progress=False)
        assert list(back.columns) == list(expected.columns)
        for col in ("id", "given_name", "date_of_birth", "phq9_total", "ahc_hrsn_q3", "comorbidity_codes"):
            got = back[col].astype(object).where(back[col].notna(), None).tolist()
            want = expected[col].astype(object).where(expected[col].notna(), None).tolist()
            assert got == want, col
        assert str(back["phq9_total"].dtype) == "Int64" and str(back["setting"].dtype) == "category"


def test_format_flag_overrides_the_extension(tmp_path, capsys):
    path = tmp_path / "cohort.data"
    code, _, err = _run(capsys, "cohort", "--n", "30", "--seed", "2", "--format", "parquet", "--out", str(path))
    assert code == 0 and len(pd.read_parquet(path)) == 30
    code, _, err = _run(capsys, "cohort", "--n", "30", "--format", "xlsx", "--out", str(tmp_path / "x.xlsx"))
    assert code == 2 and err.count("\n") == 1 and "'xlsx'" in err and "csv, parquet, jsonl" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cohort.data"]


def test_disk_full_mid_stream_leaves_nothing_under_the_final_name(tmp_path, capsys, monkeypatch):
    """The third chunk's write fails as a full disk would: one line, exit 2, no file, no temp file."""
    import builtins

    from sim.generate import stream

    monkeypatch.setattr(stream, "CHUNK", 100)

    real_open = builtins.open

    class FillingFile:
        def __init__(self, fh):
            self.fh, self.writes = fh, 0

        def write(self, data):
            self.writes += 1
            if self.writes == 3:
                raise OSError(28, "No space left on device")
            return self.fh.write(data)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.fh.close()

    def fake_open(file, mode="r", *a, **k):
        fh = real_open(file, mode, *a, **k)
        return FillingFile(fh) if "w" in mode and str(file).endswith(".tmp") else fh

    monkeypatch.setattr(builtins, "open", fake_open)
    path = tmp_path / "c.csv"
    code, _, err = _run(capsys, "cohort", "--n", "300", "--seed", "1", "--out", str(path))
    assert code == 2 and err.count("\n") == 1 and "No space left on device" in err and str(path) in err
    assert list(tmp_path.iterdir()) == []
