"""Files and folders that appear whole or not at all: temporary name, then rename."""
from __future__ import annotations

import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sim.errors import SimError


class ExportError(SimError):
    """An export cannot be written: the message names the path and the reason."""


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def is_stream(path: Path) -> bool:
    """Whether ``path`` is a device, a pipe or a socket (``/dev/null``, ``/dev/stdout``, a FIFO).

    Such a target is written in place: renaming a file over it would replace the device itself
    (as root, ``--out /dev/null`` would leave a regular file where the null device was).
    """
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


@contextmanager
def atomic_file(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path``, renamed to ``path`` if the block ends without error.

    A device, pipe or socket (see :func:`is_stream`) is written in place instead.

    Raises:
        ExportError: the folder does not accept a new file, or writing failed (disk full, ...);
            the temporary file is removed and ``path`` is left as it was.
    """
    if is_stream(path):
        yield path
        return
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise ExportError(f"cannot write {str(path)!r} ({_reason(exc)}); choose a writable folder") from exc
    os.close(fd)
    try:
        yield Path(tmp)
        os.replace(tmp, path)
    except OSError as exc:
        raise ExportError(f"could not write {str(path)!r} ({_reason(exc)}); nothing was left under that name") \
            from exc
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def check_folder(path: Path, force: bool) -> None:
    """Refuse an output folder that is a file, or exists with files in it (unless ``force``)."""
    if path.exists() and not path.is_dir():
        raise ExportError(f"--out {str(path)!r} is a file; give a folder for the export")
    if path.is_dir() and any(path.iterdir()) and not force:
        raise ExportError(f"--out {str(path)!r} exists and is not empty; choose a new folder or add --force "
                          "to replace its contents")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise ExportError(f"--out {str(path)!r}: folder {str(parent)!r} does not exist; choose an existing folder")


@contextmanager
def atomic_folder(path: Path, force: bool = False) -> Iterator[Path]:
    """A temporary folder beside ``path`` that becomes ``path`` if the block ends without error.

    An existing empty folder is replaced; a non-empty one only with ``force`` (its old contents are
    removed once the new folder is in place).

    Raises:
        ExportError: ``path`` is a file, is a non-empty folder without ``force``, or writing failed;
            the temporary folder is removed and ``path`` is left as it was.
    """
    check_folder(path, force)
    parent = path.parent if str(path.parent) else Path(".")
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=parent))
    except OSError as exc:
        raise ExportError(f"cannot write in {str(parent)!r} ({_reason(exc)}); choose a writable folder") from exc
    old: Path | None = None
    try:
        yield tmp
        if path.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".old", dir=parent))
            os.replace(path, old / "contents")
        os.replace(tmp, path)
    except OSError as exc:
        if old is not None and not path.exists():
            os.replace(old / "contents", path)
        raise ExportError(f"could not write {str(path)!r} ({_reason(exc)}); nothing was left under that name") \
            from exc
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
