"""nbgrader preprocessors of the sim-msw course, named in ``assignments/nbgrader_config.py``.

- :class:`CapOutputBytes` (autograde): nbgrader's ``LimitOutput`` counts lines, so one 50 MB
  line passes it; this caps every output of a cell at a byte budget.
- :class:`StripHiddenTests` (feedback): nbgrader 0.9.6 copies hidden tests into the feedback
  (its issues 917, 1363). This removes the hidden regions from test cells and replaces the
  traceback of a failed test cell by its last line, which would otherwise quote hidden code.
"""
from __future__ import annotations

from typing import Any

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool, Integer, Unicode

TRUNCATED = "\n... output truncated by the course (limit {limit} bytes per cell) ...\n"


class CapOutputBytes(Preprocessor):
    """Cap the text of each code cell's outputs at ``max_bytes`` (streams, data, tracebacks)."""

    enabled = Bool(True).tag(config=True)
    max_bytes = Integer(100_000, help="maximum output characters kept per cell").tag(config=True)

    def preprocess_cell(self, cell: Any, resources: dict, index: int) -> tuple[Any, dict]:
        if cell.cell_type != "code":
            return cell, resources
        budget = self.max_bytes
        kept = []
        for out in cell.get("outputs", []):
            if budget <= 0:
                break
            if out.output_type == "stream":
                if len(out.text) > budget:
                    out.text = out.text[:budget] + TRUNCATED.format(limit=self.max_bytes)
                budget -= len(out.text)
            elif out.output_type in ("display_data", "execute_result"):
                size = sum(len(str(v)) for v in out.get("data", {}).values())
                if size > budget:
                    out.data = {"text/plain": TRUNCATED.format(limit=self.max_bytes)}
                    size = len(out.data["text/plain"])
                budget -= size
            elif out.output_type == "error":
                out.traceback = [line[:2000] for line in out.traceback[-20:]]
                out.evalue = str(out.evalue)[:2000]
                budget -= sum(len(line) for line in out.traceback)
            kept.append(out)
        cell.outputs = kept
        return cell, resources


class StripHiddenTests(Preprocessor):
    """Remove ``### BEGIN/END HIDDEN TESTS`` regions and hidden code quoted in tracebacks."""

    enabled = Bool(True).tag(config=True)
    begin = Unicode("BEGIN HIDDEN TESTS").tag(config=True)
    end = Unicode("END HIDDEN TESTS").tag(config=True)

    def preprocess_cell(self, cell: Any, resources: dict, index: int) -> tuple[Any, dict]:
        if cell.cell_type != "code" or self.begin not in cell.source:
            return cell, resources
        kept, hidden, inside = [], False, False
        for line in cell.source.split("\n"):
            if self.begin in line:
                inside = hidden = True
            elif self.end in line:
                inside = False
            elif not inside:
                kept.append(line)
        cell.source = "\n".join(kept)
        if hidden:
            for out in cell.get("outputs", []):
                if out.output_type == "error":
                    out.traceback = [f"{out.ename}: a test of this answer failed"
                                     + (f" ({out.evalue})" if out.evalue else "")]
        return cell, resources
