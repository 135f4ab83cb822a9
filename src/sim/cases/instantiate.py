"""A concrete case drawn from a template with a seed, ready to save and edit (``sim case new``)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from sim.cases.compile import META_KEYS
from sim.cases.formats import current_format, file_format, upgrade
from sim.cases.ids import CASE_SUFFIXES
from sim.cases.library import compile_file, resolve_name
from sim.cases.problems import CaseFileError
from sim.cases.source import read_source
from sim.cases.template import is_derived, resolve
from sim.cases.writing import to_yaml, write_atomic
from sim.errors import SimValueError


def concrete_from_template(template: str | Path, seed: int) -> dict[str, Any]:
    """The template's fields with every spec drawn for ``seed``, ready to save as a case.

    ``template`` is a file or a library id.

    The patient stays as partial as the template wrote it and ``format:`` (the current one; a
    template of an earlier format is upgraded) and ``seed:`` are set, so loading the result
    generates the same patient; placeholders stay in the text and are filled on loading. A
    ``charlson_index: {from_codes: true}`` becomes the number the case's codes give.

    Raises:
        CaseFileError: the template has problems with this seed.
    """
    template = resolve_name(template)
    compiled = compile_file(template, seed)
    if isinstance(compiled, list):
        raise CaseFileError(compiled)
    if compiled.problems:
        raise CaseFileError(compiled.problems)
    source, _ = read_source(template)
    assert source is not None  # compile_file read it a moment ago
    data = {k: v for k, v in source.data.items() if k not in META_KEYS}
    if compiled.template:
        data, problems = resolve(data, seed, source)
        if problems:
            raise CaseFileError(problems)
        medical = data.get("patient", {}).get("medical") if isinstance(data.get("patient"), dict) else None
        if isinstance(medical, dict) and is_derived(medical.get("charlson_index")):
            assert compiled.case is not None  # no problems, so the case compiled
            medical["charlson_index"] = compiled.case.patient.medical.charlson_index
    if file_format(source.data) < current_format():
        data, _ = upgrade(data)
    return {"format": current_format(), "seed": seed, **data}


def new_from_template(template: str | Path, seed: int, out: str | Path) -> Path:
    """Write the concrete case drawn from ``template`` with ``seed`` to ``out`` (atomically).

    The new case's ``id`` is the name of ``out`` (``simcases/geri_discharge_12.yaml`` gets
    ``id: geri_discharge_12``), since a case's id is its file name.
    """

    if Path(out).suffix not in CASE_SUFFIXES:
        raise SimValueError(f"cannot write {out}: a case file's name ends in .yaml (or .yml), and the name "
                            f"before it is the case's id, e.g. {Path(out).stem or 'new_case_01'}.yaml")
    template = resolve_name(template)
    data = concrete_from_template(template, seed)
    data = {key: (Path(out).stem if key == "id" else value) for key, value in data.items()}
    header = (f"Synthetic case drawn from {Path(template).name} with seed {seed}; every person in it is "
              "invented.\nEdit freely, then check it with: sim case validate " + str(out))
    return write_atomic(Path(out), to_yaml(data, header))
