"""The lesson notebooks as documents: saved clean (nbformat 4, python3 kernel, no outputs), each
with objectives, CSWE 2022 EPAS competencies, a synthetic-data notice and links that resolve.
Running them is nbval's job (``--nbval-lax`` in pyproject.toml collects notebooks/*.ipynb)."""
from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
LESSONS = ["00_orientation", "01_psychosocial_assessment", "02_ecomap_genogram", "03_intervention_selection",
           "04_care_discharge_planning", "05_documentation", "06_caseload_triage", "07_population_view"]
MINE = LESSONS[1:2] + LESSONS[3:]
LINK = re.compile(r"\]\(([^)#]+\.ipynb)\)")


def read(name: str) -> nbformat.NotebookNode:
    return nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)


def markdown(nb: nbformat.NotebookNode) -> str:
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def test_every_lesson_exists_and_pytest_collects_notebooks_with_nbval():
    import tomllib

    assert sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb")) == sorted([*LESSONS, "authoring"])
    options = tomllib.loads((NOTEBOOKS.parent / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]
    assert "notebooks" in options["testpaths"]
    assert "--nbval-lax" in options["addopts"]


@pytest.mark.parametrize("name", MINE)
def test_lesson_is_saved_clean(name):
    nb = read(name)
    nbformat.validate(nb)
    assert nb.nbformat == 4
    assert nb.metadata["kernelspec"]["name"] == "python3"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.source[:60]


@pytest.mark.parametrize("name", MINE)
def test_lesson_has_objectives_competencies_and_says_it_is_synthetic(name):
    text = markdown(read(name))
    number = name[:2]
    assert text.lstrip().startswith(f"# Lesson {number}")
    assert "**Objectives.**" in text
    competencies = re.search(r"CSWE 2022 EPAS competencies:\*\*([^\n]+)", text)
    assert competencies and re.search(r"\b[1-9]\b", competencies.group(1))
    assert "synthetic" in text.lower()
    # the domain texts are cited by their public source
    assert "Social Work Interventions" in text or "NASW" in text
    assert "*Write your" in text  # a place for the reflection


@pytest.mark.parametrize("name", LESSONS)
def test_links_resolve_and_follow_the_sequence(name):
    text = markdown(read(name))
    targets = set(LINK.findall(text))
    for target in targets:
        assert (NOTEBOOKS / target).exists(), f"{name} links to missing {target}"
    index = LESSONS.index(name)
    if index + 1 < len(LESSONS):
        assert f"{LESSONS[index + 1]}.ipynb" in targets, f"{name} has no link to the next lesson"
    if index > 0 and name in MINE:
        assert f"{LESSONS[index - 1]}.ipynb" in targets, f"{name} has no link to the previous lesson"


@pytest.mark.parametrize("name", MINE)
def test_lesson_code_uses_only_public_names_that_exist(name):
    import sim
    import sim.widgets

    code = "\n".join(c.source for c in read(name).cells if c.cell_type == "code")
    used = "\n".join(line for line in code.splitlines() if not line.lstrip().startswith(("from ", "import ")))
    for attr in re.findall(r"\bsim\.([a-z_]+)\b", used):
        assert attr in dir(sim) or attr == "lesson", attr
    for widget in re.findall(r"from sim\.widgets import ([A-Za-z, ]+)", code):
        for cls in (w.strip() for w in widget.split(",")):
            assert cls in dir(sim.widgets), cls


def test_lesson_03_code_check_reports_a_misspelt_intervention(capsys):
    import sim

    cell = next(c.source for c in read("03_intervention_selection").cells
                if c.cell_type == "code" and "parse_plan(my_choices)" in c.source)
    namespace = {"sim": sim, "case": sim.load_case("ed_ipv_01")}
    exec(cell.replace('"counseling"', '"counselling"'), namespace)
    out = capsys.readouterr().out
    assert "Please check interventions[0]" in out and "did you mean 'counseling'" in out


def test_lesson_07_reads_the_cohort_back_from_its_fhir_export():
    """Lesson 07 writes the cohort as FHIR NDJSON and reads it with pandas (nbval runs the cell);
    the same steps here check that the record and the table agree."""
    import tempfile
    from pathlib import Path

    import pandas as pd

    import sim
    from sim.export import write_cohort

    code = "\n".join(c.source for c in read("07_population_view").cells if c.cell_type == "code")
    assert 'fmt="fhir"' in code and 'pd.read_json(fhir_dir / "Observation.ndjson", lines=True)' in code
    folder = Path(tempfile.mkdtemp()) / "unit_fhir"
    write_cohort(folder, 60, seed=7, fmt="fhir")
    obs = pd.read_json(folder / "Observation.ndjson", lines=True)
    obs["loinc"] = obs["code"].map(lambda c: c["coding"][0]["code"])
    obs["patient"] = obs["subject"].map(lambda s: s["reference"].removeprefix("Patient/"))
    from_record = obs.loc[obs["loinc"] == "44261-6"].set_index("patient")["valueInteger"]
    table = sim.cohort(60, 7, progress=False).set_index("id")
    assert len(from_record) == int(table["phq9_total"].notna().sum()) > 0
    assert (from_record == table.loc[from_record.index, "phq9_total"]).all()
