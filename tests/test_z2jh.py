"""deploy/z2jh: our Helm values, merged over the chart's defaults as Helm does, satisfy the Zero to
JupyterHub chart's own values schema (a copy of chart 4.4.0's, with its source in the folder)."""
from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

Z2JH = Path(__file__).resolve().parents[1] / "deploy" / "z2jh"
CHART = Z2JH / "chart-4.4.0"


def merged(overrides: dict[str, Any]) -> dict[str, Any]:
    """Helm's coalescing of user values over chart defaults: maps merge, everything else replaces."""
    def merge(base: Any, over: Any) -> Any:
        if isinstance(base, dict) and isinstance(over, dict):
            out = dict(base)
            for key, value in over.items():
                out[key] = merge(base.get(key), value) if key in base else value
            return out
        return over
    return merge(yaml.safe_load((CHART / "values.yaml").read_text()), overrides)


def errors(values: dict[str, Any]) -> list[str]:
    schema = yaml.safe_load((CHART / "values.schema.yaml").read_text())
    validator = jsonschema.Draft7Validator(schema)
    return [f"{'.'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(values)]


@pytest.fixture(scope="module")
def ours() -> dict[str, Any]:
    return yaml.safe_load((Z2JH / "values.yaml").read_text())


def test_our_values_satisfy_the_chart_schema(ours):
    assert errors(merged(ours)) == []


def test_the_schema_check_catches_a_typo(ours):
    bad = copy.deepcopy(ours)
    bad["singleuser"]["memory"]["limt"] = "2G"
    found = errors(merged(bad))
    assert any("limt" in e for e in found), found
    bad = copy.deepcopy(ours)
    bad["hub"]["db"]["type"] = "postgresql"
    assert any(e.startswith("hub.db.type") for e in errors(merged(bad)))


def test_the_course_needs_are_configured(ours):
    assert ours["hub"]["db"]["type"] == "postgres"
    assert ours["hub"]["config"]["JupyterHub"]["authenticator_class"].startswith("ltiauthenticator.lti13")
    assert ours["singleuser"]["cpu"]["limit"] and ours["singleuser"]["memory"]["limit"]
    assert ours["cull"]["enabled"] is True and ours["cull"]["timeout"] > 0
    mounts = {m["mountPath"] for m in ours["singleuser"]["storage"]["extraVolumeMounts"]}
    exchange = "/srv/nbgrader/exchange"
    assert exchange in mounts
    for role in ("student", "instructor"):
        assert f'"{exchange}"' in (Z2JH / "config" / role / "nbgrader_config.py").read_text()
    for name, code in ours["hub"]["extraConfig"].items():
        compile(code, name, "exec")  # the hub would fail to start on a syntax error


def test_the_image_installs_the_lock():
    dockerfile = (Z2JH / "Dockerfile").read_text()
    assert "uv sync --locked" in dockerfile and "COPY pyproject.toml uv.lock" in dockerfile
    assert (CHART / "SOURCE.md").read_text().count("4.4.0") >= 1
