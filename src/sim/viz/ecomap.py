"""Ecomap: the patient at the centre, systems around; line style for the kind of tie (thick solid
strong, thin solid moderate, dashed tenuous, hatched stressful) and arrows for the flow of energy.

Elements carry ``gid``: ``system:<id>``, ``tie:<id>:<tie>``, ``flow:<id>:<direction>``, ``patient``.
"""
from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any, TypedDict

from sim.model import Case, Patient
from sim.practice.ecosystem import SystemTie, ecomap_systems, view
from sim.viz.palette import OKABE_ITO, pyplot


class TieStyle(TypedDict):
    """How a tie's line is drawn: width, dash pattern (matplotlib's ``ls``) and colour."""

    lw: float
    ls: str | tuple[float, tuple[float, float]]
    color: str


TIE_STYLE: dict[str, TieStyle] = {
    "strong": {"lw": 3.2, "ls": "-", "color": OKABE_ITO["blue"]},
    "moderate": {"lw": 1.4, "ls": "-", "color": OKABE_ITO["black"]},
    "tenuous": {"lw": 1.4, "ls": (0, (4, 4)), "color": OKABE_ITO["orange"]},
    "stressful": {"lw": 1.4, "ls": "-", "color": OKABE_ITO["vermillion"]},
}
CATEGORY_COLOUR = {
    "family": OKABE_ITO["sky"], "health": OKABE_ITO["green"], "work": OKABE_ITO["yellow"],
    "education": OKABE_ITO["yellow"], "faith": OKABE_ITO["purple"], "benefits": OKABE_ITO["orange"],
    "housing": OKABE_ITO["orange"], "community": OKABE_ITO["green"], "legal": OKABE_ITO["vermillion"],
}


def _tie(ax: Any, start: tuple[float, float], end: tuple[float, float], system: SystemTie) -> None:
    style = TIE_STYLE[system.tie]
    (line,) = ax.plot([start[0], end[0]], [start[1], end[1]], **style, zorder=1)
    line.set_gid(f"tie:{system.id}:{system.tie}")
    if system.tie == "stressful":  # cross-hatches along the line
        dx, dy = end[0] - start[0], end[1] - start[1]
        length = math.hypot(dx, dy)
        nx, ny = -dy / length * 0.12, dx / length * 0.12
        for t in (0.3, 0.4, 0.5, 0.6, 0.7):
            cx, cy = start[0] + dx * t, start[1] + dy * t
            ax.plot([cx - nx, cx + nx], [cy - ny, cy + ny], color=style["color"], lw=1.2, zorder=1)
    if system.flow != "none":
        ends = {"to_patient": [(end, start)], "from_patient": [(start, end)],
                "both": [(end, start), (start, end)]}[system.flow]
        for a, b in ends:
            tip = (a[0] + (b[0] - a[0]) * 0.72, a[1] + (b[1] - a[1]) * 0.72)
            tail = (a[0] + (b[0] - a[0]) * 0.58, a[1] + (b[1] - a[1]) * 0.58)
            arrow = ax.annotate("", xy=tip, xytext=tail,
                                arrowprops={"arrowstyle": "-|>", "color": style["color"], "lw": 1.4,
                                                "mutation_scale": 20})
            arrow.set_gid(f"flow:{system.id}:{system.flow}")


def ecomap(subject: Patient | Case, ax: Any = None, title: bool = True,
           disclosed: Iterable[str] | bool = ()) -> Any:
    """Draw the patient's ecomap; return the matplotlib Figure.

    Args:
        subject: a Patient (everything shown) or a Case (hidden facts not yet disclosed stay off
            the map, so that the picture does not give away what the interview should find).
        disclosed: ids of the case's hidden facts the student has heard, or True for all.
    """
    patient, conceal = view(subject, disclosed)
    plt = pyplot()
    from matplotlib.lines import Line2D
    from matplotlib.patches import Circle

    if ax is None:
        fig, ax = plt.subplots(figsize=(8, 8))
    else:
        fig = ax.figure
    systems = ecomap_systems(patient, conceal)
    centre = (0.0, 0.0)
    radius = 3.2
    core = Circle(centre, 0.9, facecolor=OKABE_ITO["sky"], edgecolor="black", lw=2, zorder=2)
    core.set_gid("patient")
    ax.add_patch(core)
    ax.text(0, 0, f"{patient.identity.given_name}\n{patient.identity.age}", ha="center", va="center",
            fontsize=9, zorder=3)
    for i, system in enumerate(systems):
        angle = 2 * math.pi * i / max(len(systems), 1) + math.pi / 2
        x, y = radius * math.cos(angle), radius * math.sin(angle)
        ux, uy = math.cos(angle), math.sin(angle)
        _tie(ax, (centre[0] + ux * 0.9, centre[1] + uy * 0.9), (x - ux * 0.75, y - uy * 0.75), system)
        node = Circle((x, y), 0.75, facecolor=CATEGORY_COLOUR.get(system.category, "white"),
                      edgecolor="black", lw=1.0, alpha=0.9, zorder=2)
        node.set_gid(f"system:{system.id}")
        ax.add_patch(node)
        ax.text(x, y, system.label.replace(" (", "\n("), ha="center", va="center", fontsize=6.5,
                wrap=True, zorder=3)
    legend = [Line2D([0], [0], **TIE_STYLE[name], label=name)
              for name in ("strong", "moderate", "tenuous", "stressful")]
    ax.legend(handles=legend, loc="lower right", fontsize=7, title="tie (hatched = stressful)",
              title_fontsize=7)
    ax.set_xlim(-4.4, 4.4)
    ax.set_ylim(-4.4, 4.4)
    ax.set_aspect("equal")
    ax.axis("off")
    if title:
        ax.set_title(f"Ecomap: {patient.identity.name} (synthetic patient)", fontsize=11)
    return fig


def describe(subject: Patient | Case, disclosed: Iterable[str] | bool = ()) -> str:
    """A text description of the ecomap for screen readers."""
    patient, conceal = view(subject, disclosed)
    words = {"to_patient": "energy flows to the patient", "from_patient": "energy flows from the patient",
             "both": "energy flows both ways", "none": "little exchange"}
    return " ".join([f"Ecomap of {patient.identity.name}."] +
                    [f"{s.label}: {s.tie} tie, {words[s.flow]}." for s in ecomap_systems(patient, conceal)])
