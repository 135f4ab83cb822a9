"""Author a case in a notebook: edit its YAML, see the validator's messages as you type, preview
the student's chart, try a short interview and the reference plan, save it to a case folder.

:class:`CaseDraft` is the logic (no widgets, testable on its own); :class:`CaseEditor` is a thin
widget around it.

    >>> draft = CaseDraft("id: x\\n")
    >>> draft.valid, draft.messages()[0].startswith("x.yaml:")
    (False, True)
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.errors import SimValueError
from sim.widgets.common import ShowsWidget, button, esc

if TYPE_CHECKING:
    from sim.cases.problems import Problem
    from sim.model.case import Case


class DraftNotValidError(SimValueError):
    """A draft with problems cannot be saved or tried."""


class CaseDraft:
    """The text of one case file being written, and what the package makes of it.

    Args:
        text: the YAML text.
        name: the file name it will be saved as, without ``.yaml`` (its ``id:`` must match it).
    """

    def __init__(self, text: str, name: str | None = None) -> None:
        self.text = text
        self.name = name or self._id_in(text) or "new_case_01"
        self._problems: list[Problem] | None = None
        self._case: Case | None = None

    @staticmethod
    def _id_in(text: str) -> str | None:
        for line in text.splitlines():
            if line.startswith("id:"):
                value = line.split(":", 1)[1].split("#", 1)[0].strip().strip("'\"")
                return value or None
        return None

    @classmethod
    def from_library(cls, case_id: str, new_id: str) -> CaseDraft:
        """A draft that starts from a library case or template (its file's text), renamed
        ``new_id`` (ids are unique, and the file will be named after it)."""
        import re

        from sim.cases.library import resolve_name

        text = resolve_name(case_id).read_text(encoding="utf-8")
        text = re.sub(r"(?m)^id:[ \t]*[^#\n]*?([ \t]*(#.*)?)$", lambda m: f"id: {new_id}{m.group(1)}", text, count=1)
        return cls(text, new_id)

    def edit(self, text: str) -> None:
        """Replace the text (the next question re-validates it)."""
        self.text, self._problems, self._case = text, None, None

    @property
    def problems(self) -> list[Problem]:
        """Every problem ``sim case validate`` reports for this text, as if saved as ``<name>.yaml``."""
        if self._problems is None:
            from sim.cases.library import validate_text
            from sim.cases.source import parse_text

            self._problems = validate_text(self.text, f"{self.name}.yaml")
            if not self._problems:
                from sim.cases.compile import compile_source

                source, _ = parse_text(self.text.encode("utf-8"), f"{self.name}.yaml")
                self._case = compile_source(source).case if source is not None else None
        return self._problems

    @property
    def valid(self) -> bool:
        return not self.problems

    def messages(self) -> list[str]:
        """The problems as FILE:LINE:COL lines (empty when valid)."""
        return [str(p) for p in self.problems]

    def case(self) -> Case:
        """The compiled case. Raises DraftNotValidError while the draft has problems."""
        if self.problems or self._case is None:
            raise DraftNotValidError(f"the draft has {len(self.problems)} problem(s); fix them first: "
                                     + "; ".join(self.messages()[:3]))
        return self._case

    def chart(self, fmt: str = "md") -> str:
        """The student's view (Markdown or HTML)."""
        from sim.cases.render import render_student

        return render_student(self.case(), fmt)

    def reference_plan(self) -> list[str]:
        """The reference plan for this case, one line per part, and its score against the key."""
        from sim.feedback import review_plan
        from sim.practice.expert import reference_plan

        case = self.case()
        plan = reference_plan(case)
        lines = [f"intervention: {iv.intervention}" for iv in plan.interventions]
        lines += [f"action: {a}" for a in plan.actions]
        if plan.discharge:
            lines.append(f"discharge: {plan.discharge}")
        review = review_plan(case, plan)
        lines.append(f"score against the key: {review.earned:g} of {review.possible:g}")
        return lines

    def try_interview(self, seed: int = 0) -> list[str]:
        """A short interview by an open, empathic interviewer: the interpreter (when needed), a
        private setting, an open question in each need domain of the key; the transcript lines."""
        from sim.interview.engine import start

        case = self.case()
        iv = start(case, seed=seed)
        lines = [f"Patient: {iv.opening}"]
        if case.patient.identity.interpreter_needed:
            lines.append(f"[{iv.use_interpreter().message}]")
        if any(a.kind == "private_setting" for a in case.key.critical_actions):
            lines.append(f"[{iv.act('private_setting').message}]")
        for need in case.key.needs:
            asked = iv.questions(need.domain, "open")[:1] + iv.questions(need.domain, "empathic")[:1]
            for question in asked:
                if iv.ended:
                    break
                reply = iv.ask(question.id)
                lines += [f"You: {question.text}", f"Patient: {reply.text}"]
        disclosed = ", ".join(f.id for f in iv.disclosed) or "none"
        lines.append(f"(rapport {iv.rapport}, {iv.minutes_used} minutes; hidden facts disclosed: {disclosed})")
        return lines

    def save(self, folder: str | Path | None = None, *, overwrite: bool = False) -> Path:
        """Write the draft to ``<folder>/<name>.yaml`` (default: the case library).

        Raises:
            DraftNotValidError: the draft has problems.
            SimValueError: the file exists and ``overwrite`` is false.
        """
        from sim.cases.library import library_dir
        from sim.cases.writing import write_atomic

        self.case()
        target = Path(folder) if folder is not None else library_dir()
        path = target / f"{self.name}.yaml"
        if path.exists() and not overwrite:
            raise SimValueError(f"{path} exists; choose another name or pass overwrite=True")
        return write_atomic(path, self.text)


class CaseEditor(ShowsWidget):
    """A text area for the YAML, the validator's messages under it (live), and buttons to preview
    the chart, try the interview and the reference plan, and save.

    Attributes:
        draft: the :class:`CaseDraft` edited.
        text, messages, output: the text area, the messages and the preview (HTML widgets).
        folder: where Save writes (default: the case library).
    """

    def __init__(self, draft: CaseDraft, folder: str | Path | None = None) -> None:
        import ipywidgets as w

        self.draft, self.folder = draft, folder
        self.text = w.Textarea(value=draft.text, description="Case YAML",
                               layout=w.Layout(width="100%", height="24em"))
        self.messages = w.HTML()
        self.output = w.HTML()
        self.buttons: dict[str, Any] = {name: button(w, name) for name in
                                        ("Preview chart", "Try interview", "Reference plan", "Save")}
        for name, handler in (("Preview chart", self.preview), ("Try interview", self.interview),
                              ("Reference plan", self.plan), ("Save", self.save)):
            self.buttons[name].on_click(lambda _b, h=handler: h())
        self.text.observe(lambda change: self.update(change["new"]), names="value")
        self.widget = w.VBox([self.text, self.messages, w.HBox(list(self.buttons.values())), self.output])
        self.widget.add_class("sim-case-editor")
        self.update(draft.text)

    def update(self, text: str) -> None:
        """Re-validate after an edit and show the messages."""
        self.draft.edit(text)
        msgs = self.draft.messages()
        self.messages.value = ("<p>Valid: ready to preview, try and save.</p>" if not msgs else
                               "<ul>" + "".join(f"<li><code>{esc(m)}</code></li>" for m in msgs) + "</ul>")

    def _show(self, lines: list[str]) -> None:
        self.output.value = "<pre>" + esc("\n".join(lines)) + "</pre>"

    def _guarded(self, produce: Any) -> None:
        try:
            produce()
        except SimValueError as exc:
            self._show([str(exc)])

    def preview(self) -> None:
        self._guarded(lambda: setattr(self.output, "value", self.draft.chart("html")))

    def interview(self) -> None:
        self._guarded(lambda: self._show(self.draft.try_interview()))

    def plan(self) -> None:
        self._guarded(lambda: self._show(self.draft.reference_plan()))

    def save(self) -> None:
        self._guarded(lambda: self._show([f"saved {self.draft.save(self.folder)}"]))
