"""Files written whole or not at all, and devices or pipes written in place, never replaced."""
from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from sim.cases.writing import write_atomic
from sim.export.atomic import ExportError, atomic_file, is_stream


@pytest.fixture
def fifo(tmp_path: Path):
    """A named pipe with a reader already open, so a writer does not block."""
    path = tmp_path / "pipe"
    os.mkfifo(path)
    reader = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    yield path, reader
    os.close(reader)


def test_a_regular_file_appears_whole(tmp_path: Path) -> None:
    """atomic_file renames its temporary file to the target and leaves nothing else behind."""
    target = tmp_path / "out.csv"
    with atomic_file(target) as tmp:
        assert tmp != target
        tmp.write_text("a,b\n")
        assert not target.exists()
    assert target.read_text() == "a,b\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_a_failed_write_leaves_the_old_file(tmp_path: Path) -> None:
    """An error inside the block leaves the target as it was and no temporary file."""
    target = tmp_path / "out.csv"
    target.write_text("old")
    with pytest.raises(ExportError, match="nothing was left"), atomic_file(target) as tmp:
        tmp.write_text("new")
        raise OSError(28, "No space left on device")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_a_pipe_is_written_in_place_not_replaced(fifo) -> None:
    """--out a FIFO (or /dev/null) writes into it; the pipe is still a pipe afterwards."""
    path, reader = fifo
    assert is_stream(path)
    with atomic_file(path) as tmp:
        assert tmp == path
        with open(tmp, "w") as handle:
            handle.write("hello")
    assert stat.S_ISFIFO(os.stat(path).st_mode)
    assert os.read(reader, 100) == b"hello"


def test_a_case_file_written_to_a_pipe_keeps_the_pipe(fifo) -> None:
    """write_atomic (sim case new / migrate / schema --out) writes a pipe in place."""
    path, reader = fifo
    write_atomic(path, "id: x\n")
    assert stat.S_ISFIFO(os.stat(path).st_mode)
    assert os.read(reader, 100) == b"id: x\n"


def test_devices_are_streams_and_files_are_not(tmp_path: Path) -> None:
    """The null device and a terminal-like device are streams; files, folders and new paths are not."""
    assert is_stream(Path(os.devnull))
    (tmp_path / "f").write_text("")
    assert not is_stream(tmp_path / "f")
    assert not is_stream(tmp_path)
    assert not is_stream(tmp_path / "missing")
