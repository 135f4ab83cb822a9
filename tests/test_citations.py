"""Every file in the repository cites public sources: no reference to documents that are not in it."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
UNRESOLVED = re.compile(r"seeds/|reference/instruments\.md", re.IGNORECASE)


def _tracked_files() -> list[Path]:
    listing = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    return [ROOT / name for name in listing.decode().split("\0") if name]


def test_no_file_cites_documents_outside_the_repository() -> None:
    """Citations name the published paper, manual or article, never a path that does not resolve."""
    files = _tracked_files()
    assert len(files) > 100, "git ls-files listed too few files to be this repository"
    me = Path(__file__).resolve()
    offenders = []
    for path in files:
        if path.resolve() == me or not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        offenders += [f"{path.relative_to(ROOT)}:{n}" for n, line in enumerate(text.splitlines(), 1)
                      if UNRESOLVED.search(line)]
    assert offenders == [], f"cite the public source instead of seeds/ or reference/instruments.md: {offenders}"
