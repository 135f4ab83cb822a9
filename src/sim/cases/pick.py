"""Pick a case for a lesson or a widget: one from the library by id, or one generated from a seed.

    >>> from sim.cases.pick import pick_case
    >>> pick_case("ed_ipv_01").id
    'ed_ipv_01'
    >>> pick_case(None, seed=7).id             # a generated case for seed 7
    'gen-P-0000000000000007'
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from sim.seeds import check_seed

if TYPE_CHECKING:
    from sim.cases.library import CaseInfo
    from sim.model.case import Case


def library_cases(templates: bool = True) -> list[CaseInfo]:
    """The valid cases of the library (templates too unless ``templates=False``), by file name."""
    from sim.cases.library import library

    return [c for c in library() if c.valid and (templates or not c.template)]


def case_menu() -> list[tuple[str, str | None]]:
    """(label, case id) pairs for a drop-down; the first entry, id None, means "generate from my seed".

    Read from the files' ``id`` and ``title`` without compiling the cases, so that it is quick.
    """
    from sim.cases.library import case_files, library_dir
    from sim.cases.source import read_source

    menu: list[tuple[str, str | None]] = [("A generated patient from my seed", None)]
    for path in case_files(library_dir()):
        source, _ = read_source(path)
        if source is None or not isinstance(source.data.get("id"), str):
            continue
        title = str(source.data.get("title") or path.stem)
        menu.append((f"{title} ({source.data['id']})", source.data["id"]))
    return menu


def pick_case(case_id: str | None = None, seed: int | None = None) -> Case:
    """A case from the library by id, or (``case_id=None``) one generated from ``seed``.

    Args:
        case_id: a library case id, e.g. "ed_ipv_01"; None for a generated patient's case.
        seed: for a generated case the patient's seed (None: 0); for a library template the
            template's seed (None: the seed written in the case file). 0 is a seed like any other.

    Raises:
        UnknownNameError: no such case id (the message suggests the closest ones).
        SeedError: ``seed`` is not a whole number 0 or more.
    """
    if seed is not None:
        check_seed(seed)
    if case_id:
        from sim.cases.library import load_case

        return load_case(case_id, seed=seed)
    from sim.cases.derive import from_patient
    from sim.generate import generate_patient

    return from_patient(generate_patient(0 if seed is None else seed))
