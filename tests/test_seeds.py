"""The one seed check: whole numbers from 0 to the maximum, 0 included, the same message everywhere."""
from __future__ import annotations

import numpy as np
import pytest

from sim.errors import SimValueError
from sim.seeds import MAX_SEED, SeedError, check_seed, seed_problem


@pytest.mark.parametrize("seed", [0, 1, MAX_SEED, np.int64(5), np.uint32(7)])
def test_whole_numbers_in_range_are_seeds(seed: object) -> None:
    value = check_seed(seed)
    assert value == seed and type(value) is int


@pytest.mark.parametrize("seed", [-1, MAX_SEED + 1, True, False, 2.0, "3", None])
def test_anything_else_is_refused_naming_the_value_and_the_range(seed: object) -> None:
    with pytest.raises(SeedError, match=rf"seed must be a whole number from 0 to {MAX_SEED}, got {seed!r}"):
        check_seed(seed)
    assert issubclass(SeedError, SimValueError)


def test_a_lower_maximum_and_another_name_are_in_the_message() -> None:
    top = 2**31 - 1
    assert seed_problem(top + 1, "--seed", top) == f"--seed must be a whole number from 0 to {top}, got {top + 1}"
    assert seed_problem(2**31 - 1, maximum=2**31 - 1) is None


def test_every_entry_point_refuses_the_same_bad_seed_with_the_same_error() -> None:
    import sim
    from sim import lesson
    from sim.cases import from_patient
    from sim.interview.engine import Interview

    case = from_patient(sim.generate_patient(1))
    for call in (lambda: sim.generate_patient(-1), lambda: lesson.pick_case(None, seed=-1),
                 lambda: Interview(case, seed=-1)):
        with pytest.raises(SeedError, match="seed must be a whole number from 0 to"):
            call()


def test_seed_zero_is_a_seed_in_the_lesson_helpers() -> None:
    """pick_case(..., seed=0) uses seed 0, not the case file's seed (0 used to mean "no seed")."""
    import sim
    from sim import lesson
    from sim.cases import from_patient
    from sim.cases.library import load_case

    zero = lesson.pick_case("tpl_omh_depression", seed=0).model_dump()
    assert zero == load_case("tpl_omh_depression", seed=0).model_dump()
    assert zero != load_case("tpl_omh_depression").model_dump()          # the file's own seed (203)
    assert lesson.pick_case("tpl_omh_depression").model_dump() == load_case("tpl_omh_depression").model_dump()
    assert lesson.pick_case(None, seed=0).model_dump() == from_patient(sim.generate_patient(0)).model_dump()
    assert lesson.pick_case(None).model_dump() == lesson.pick_case(None, seed=0).model_dump()
