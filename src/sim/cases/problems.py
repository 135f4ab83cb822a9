"""Problems found in a case file: where (file, line, column, field path) and what is wrong."""
from __future__ import annotations

from dataclasses import dataclass

from sim.errors import SimError


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a case file.

    Attributes:
        file: the file as the user named it.
        line: 1-based line of the YAML node at fault (1 when the file as a whole is at fault).
        col: 1-based column.
        path: dotted field path (``patient.identity.age``, ``hidden_facts.0.id``), or ``""``
            when the problem concerns the whole file.
        message: what is wrong, quoting the bad value and saying what is allowed.
    """

    file: str
    line: int
    col: int
    path: str
    message: str

    def __str__(self) -> str:
        message = self.message.replace("\r", " ").replace("\n", " ")  # one problem, one line
        return f"{self.file}:{self.line}:{self.col}: {self.path or '(file)'}: {message}"


class CaseFileError(SimError):
    """A case file (or template) has problems; the message lists each, one per line."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def short_repr(value: object, limit: int = 60) -> str:
    """``repr(value)`` cut to ``limit`` characters, for quoting a bad value in one line."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
