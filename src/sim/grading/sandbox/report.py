"""What the sandbox blocked, in the instructor's words, from two sources: the reports of the
sandboxed kernel (:data:`sim.grading.sandbox.kernel.LOG`) and the errors in the executed notebook
(a limit shows as ``MemoryError``, ``[Errno 11]``, ``[Errno 27]`` ... in the cell that hit it)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sim.grading.sandbox.limits import SandboxLimits

_ERRORS = (  # (text in "ename: evalue", kind)
    ("MemoryError", "memory"),
    ("CPUTimeLimitError", "cpu"),
    ("[Errno 11] Resource temporarily unavailable", "nproc"),
    ("BlockingIOError", "nproc"),
    ("[Errno 27] File too large", "fsize"),
    ("[Errno 28] No space left on device", "scratch"),
    ("[Errno 30] Read-only file system", "readonly"),
    ("ConnectionRefusedError", "network"),
    ("[Errno 101] Network is unreachable", "network"),
    ("[Errno -3] Temporary failure in name resolution", "network"),
)

_LIMIT_HIT = {  # kind -> what the report says, with the limit (a field of SandboxLimits)
    "memory": "hit the memory limit ({memory_mib} MiB)",
    "nproc": "hit the process limit ({processes} processes and threads)",
    "fsize": "hit the file size limit ({file_size_mib} MiB)",
    "scratch": "filled its scratch space ({scratch_mib} MiB)",
}


def notebook_errors(paths: list[Path]) -> list[dict[str, str]]:
    """Events read from the error outputs of executed notebooks."""
    events = []
    for path in paths:
        try:
            nb = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        for cell in nb.get("cells", []):
            for out in cell.get("outputs", []):
                if out.get("output_type") != "error":
                    continue
                text = f"{out.get('ename', '')}: {out.get('evalue', '')}"
                for needle, kind in _ERRORS:
                    if needle in text:
                        events.append({"kind": kind, "detail": ""})
                        break
    return events


def _some(details: list[str]) -> str:
    shown = ", ".join(details[:3])
    return shown + (f" and {len(details) - 3} more" if len(details) > 3 else "")


def blocked(events: list[dict[str, Any]], limits: SandboxLimits) -> list[str]:
    """One line per kind of thing the sandbox stopped, e.g. ``tried to open a network connection``."""
    by_kind: dict[str, list[str]] = {}
    for e in events:
        details = by_kind.setdefault(str(e.get("kind")), [])
        detail = str(e.get("detail", ""))
        if detail and detail not in details:
            details.append(detail)
    lines = []
    if "network" in by_kind:
        where = f" ({_some(by_kind['network'])})" if by_kind["network"] else ""
        lines.append(f"tried to open a network connection{where}: the sandbox has no network")
    if "read" in by_kind:
        lines.append(f"tried to read outside its submission ({_some(by_kind['read'])}): not visible in the sandbox")
    if "write" in by_kind or "readonly" in by_kind:
        where = f" ({_some(by_kind['write'])})" if by_kind.get("write") else ""
        lines.append(f"tried to write outside its scratch folder{where}: read-only or not visible")
    if "proc" in by_kind:
        lines.append(f"tried to read other processes' /proc ({_some(by_kind['proc'])}): the grader is not visible")
    lines += [text.format(**limits.model_dump()) for kind, text in _LIMIT_HIT.items() if kind in by_kind]
    if "cpu_killed" in by_kind:
        lines.append(f"hit the CPU time limit ({limits.cpu_seconds} s); its kernel was stopped")
    elif "cpu" in by_kind:
        lines.append(f"hit the CPU time limit ({limits.cpu_seconds} s); the cell running then was stopped")
    if "wall_clock" in by_kind:
        lines.append(f"ran past the wall-clock limit ({limits.wall_seconds} s per notebook); its kernel was stopped "
                     "and the cells from there on were not run (graded as errors)")
    if "processes" in by_kind:
        n = max(int(d) for d in by_kind["processes"] if d.isdigit()) if by_kind["processes"] else 1
        lines.append(f"left {n} process(es) running after the notebook; all ended with the sandbox")
    if "died" in by_kind:
        lines.append(f"its kernel died in the sandbox ({_some(by_kind['died'])})")
    if "copy" in by_kind:
        lines.append(_some(by_kind["copy"]))
    return lines
