"""Property tests: random mutations of a valid case give problems, never an exception."""
from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.cases import Problem
from sim.cases.compile import compile_source
from sim.cases.source import parse_text
from sim.cases.template import resolve
from sim.cases.writing import to_yaml

FIXTURES = Path(__file__).parent / "fixtures" / "cases"
TEXT = (FIXTURES / "test_full_01.yaml").read_text(encoding="utf-8")
DATA = yaml.safe_load(TEXT)

SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
garbage = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)


def paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            out += paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += paths(value, (*prefix, i))
    return out


ALL_PATHS = paths(DATA)


def parent_of(data: Any, path: tuple) -> Any:
    for part in path[:-1]:
        data = data[part]
    return data


def check(text: bytes) -> list[Problem]:
    source, problems = parse_text(text, "m.yaml")
    if source is not None:
        problems = problems + compile_source(source).problems
    for p in problems:
        assert isinstance(p, Problem) and p.line >= 1 and p.col >= 1 and p.message
        assert str(p).startswith("m.yaml:")
    return problems


@SETTINGS
@given(st.data())
def test_mutated_data_gives_problems_not_exceptions(data):
    mutated = copy.deepcopy(DATA)
    path = data.draw(st.sampled_from(ALL_PATHS))
    parent, last = parent_of(mutated, path), path[-1]
    kind = data.draw(st.sampled_from(["delete", "retype", "rename", "insert"]))
    if kind == "delete":
        del parent[last]
    elif kind == "retype":
        parent[last] = data.draw(garbage)
    elif kind == "rename" and isinstance(parent, dict):
        parent[data.draw(st.text(min_size=1, max_size=12)) + "_x"] = parent.pop(last)
    elif isinstance(parent, dict):
        parent[data.draw(st.text(min_size=1, max_size=12)) + "_y"] = data.draw(garbage)
    else:
        parent.insert(last, data.draw(garbage))
    problems = check(to_yaml(mutated).encode("utf-8"))
    if kind in ("rename", "insert") and isinstance(parent, dict):
        assert problems  # an unknown key is always a problem


@SETTINGS
@given(st.integers(0, len(TEXT)), st.text(min_size=1, max_size=12))
def test_text_with_garbage_inserted_never_raises(position, junk):
    check((TEXT[:position] + junk + TEXT[position:]).encode("utf-8"))


@SETTINGS
@given(st.binary(max_size=200))
def test_arbitrary_bytes_never_raise(raw):
    check(raw)


@SETTINGS
@given(st.integers(0, len(TEXT) - 1), st.integers(1, 40))
def test_text_with_a_slice_removed_never_raises(start, length):
    check((TEXT[:start] + TEXT[start + length:]).encode("utf-8"))


spec_arg = st.one_of(
    st.lists(st.one_of(st.integers(-10**30, 10**30), st.floats(), st.dates(), st.text(max_size=5), st.none()),
             max_size=3),
    st.dictionaries(st.one_of(st.text(max_size=4), st.integers()), st.one_of(st.floats(), st.integers(-10**30, 10**30),
                    st.text(max_size=3)), max_size=3),
    garbage,
)


@SETTINGS
@given(st.sampled_from(["between", "choice", "weights"]), spec_arg, st.integers(0, 2**32))
def test_any_spec_resolves_or_gives_a_problem(kind, arg, seed):
    source, _ = parse_text(b"x: 1\n", "s.yaml")
    assert source is not None
    data, problems = resolve({"x": {kind: arg}}, seed, source)
    assert all(isinstance(p, Problem) for p in problems)
    if not problems:
        assert set(data) == {"x"}
