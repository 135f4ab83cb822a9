"""The environment `make install` builds is exactly the lock: no package it does not name, every
version equal to the lock's. (`make test-latest` deselects this file: it installs without the lock.)"""
from __future__ import annotations

import re
import sys
import sysconfig
import tomllib
from importlib import metadata
from pathlib import Path

import pytest

pytestmark = pytest.mark.lockfile

LOCK = Path(__file__).resolve().parents[1] / "uv.lock"


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _locked() -> dict[str, set[str]]:
    """Name -> the versions the lock holds (a universal lock may hold one per Python version)."""
    locked: dict[str, set[str]] = {}
    for package in tomllib.loads(LOCK.read_text())["package"]:
        locked.setdefault(_normal(package["name"]), set()).add(package["version"])
    return locked


def _installed() -> dict[str, str]:
    """Distributions in the environment's site-packages. Not all of sys.path: setuptools appends its
    own `_vendor` folder to sys.path when imported, and the copies it vendors are not installed."""
    site = sorted({sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]})
    found: dict[str, str] = {}
    for dist in metadata.distributions(path=site):
        name = dist.metadata["Name"]
        if name:
            found[_normal(name)] = dist.version
    return found


def test_the_lock_names_every_installed_package_at_its_version() -> None:
    """Every distribution in this interpreter's environment is in uv.lock with the same version."""
    if sys.prefix == sys.base_prefix:
        pytest.fail("the tests run outside a virtual environment; run them with `make test`")
    locked, installed = _locked(), _installed()
    extra = sorted(name for name in installed if name not in locked)
    assert not extra, f"installed but not in uv.lock: {extra}; run `make install` (it removes them)"
    moved = {name: (version, sorted(locked[name])) for name, version in installed.items()
             if version not in locked[name]}
    assert not moved, f"installed (version, locked version) differ: {moved}; run `make install`"


def test_what_the_project_asks_for_is_installed_from_the_lock() -> None:
    """The direct dependencies, the test extra and the dev tools are all installed."""
    installed = _installed()
    project = tomllib.loads((LOCK.parent / "pyproject.toml").read_text())
    wanted = (project["project"]["dependencies"] + project["project"]["optional-dependencies"]["test"]
              + project["dependency-groups"]["dev"])
    names = [_normal(re.split(r"[<>=!~\[; ]", spec, maxsplit=1)[0]) for spec in wanted]
    missing = [name for name in names if name not in installed]
    assert not missing, f"declared in pyproject.toml but not installed: {missing}; run `make install`"


def test_setuptools_vendored_copies_are_not_counted_as_installed() -> None:
    """Importing setuptools puts its `_vendor` folder on sys.path; what it vendors is not installed."""
    import setuptools

    vendor = Path(setuptools.__file__).parent / "_vendor"
    vendored = {_normal(d.metadata["Name"]) for d in metadata.distributions(path=[str(vendor)])}
    assert vendored, f"expected setuptools to vendor distributions in {vendor}"
    installed = _installed()
    assert not {name for name in vendored if name not in _locked()} & installed.keys()
