"""Genogram with the standard symbols (McGoldrick, Gerson & Petry): squares for males, circles
for females, a diamond where sex is neither; an X through the deceased; a double outline for the
index patient; solid lines for marriage, dashed for an unmarried partnership, one slash for
separation and two for divorce; a dashed boundary around the household.

Every drawn element carries a ``gid`` (``member:<id>``, ``deceased:<id>``, ``partner:<id>:<status>``,
``household``, ``index``) so that tests and screen-reader descriptions can find it.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sim.model import Case, FamilyMember, Patient
from sim.practice.ecosystem import generations, presented_quality, relation_info, view
from sim.viz.palette import OKABE_ITO, pyplot

SIZE = 0.6
PATIENT_ID = "patient"


def _patient_as_member(patient: Patient) -> FamilyMember:
    ident = patient.identity
    return FamilyMember(id=PATIENT_ID, name=ident.name, relation="self", sex=ident.sex, age=ident.age,
                        living=True, lives_with_patient=True)


def layout(patient: Patient) -> dict[str, tuple[float, float]]:
    """x, y of each member (and of the patient, id ``patient``); y = -2 * generation."""
    rows = generations(patient)
    rows.setdefault(0, [])
    pos: dict[str, tuple[float, float]] = {}
    for gen, members in rows.items():
        if gen == 0:
            kinds = [relation_info(m.relation).kind for m in members]
            siblings = [m for m, k in zip(members, kinds, strict=False) if k in {"sibling", "collateral"}]
            partners = [m for m, k in zip(members, kinds, strict=False) if k == "partner"]
            order: list[FamilyMember | None] = [*siblings, None, *partners]  # None marks the patient
        else:  # household members together, so one boundary can enclose them
            household: list[FamilyMember] = sorted(members, key=lambda m: m.lives_with_patient and m.living)
            order = list(household)
        start = -(len(order) - 1) / 2 * 1.6
        for i, m in enumerate(order):
            pos[m.id if m is not None else PATIENT_ID] = (start + i * 1.6, -2.0 * gen)
    return pos


def _symbol(ax: Any, member: FamilyMember, xy: tuple[float, float], is_index: bool) -> None:
    from matplotlib.patches import Circle, Patch, Rectangle, RegularPolygon

    x, y = xy
    face = OKABE_ITO["sky"] if is_index else "white"
    shape: Patch
    if member.sex == "male":
        shape = Rectangle((x - SIZE / 2, y - SIZE / 2), SIZE, SIZE, facecolor=face, edgecolor="black", lw=1.5)
    elif member.sex == "female":
        shape = Circle((x, y), SIZE / 2, facecolor=face, edgecolor="black", lw=1.5)
    else:
        shape = RegularPolygon((x, y), 4, radius=SIZE / 1.6, facecolor=face, edgecolor="black", lw=1.5)
    shape.set_gid(f"member:{member.id}")
    ax.add_patch(shape)
    if is_index:
        outer = Rectangle((x - SIZE / 2 - 0.08, y - SIZE / 2 - 0.08), SIZE + 0.16, SIZE + 0.16, fill=False,
                          edgecolor="black", lw=1.0) if member.sex == "male" else \
            Circle((x, y), SIZE / 2 + 0.08, fill=False, edgecolor="black", lw=1.0)
        outer.set_gid("index")
        ax.add_patch(outer)
    if not member.living:
        (line1,) = ax.plot([x - SIZE / 2, x + SIZE / 2], [y - SIZE / 2, y + SIZE / 2], color="black", lw=1.5)
        ax.plot([x - SIZE / 2, x + SIZE / 2], [y + SIZE / 2, y - SIZE / 2], color="black", lw=1.5)
        line1.set_gid(f"deceased:{member.id}")
    ax.text(x, y, str(member.age), ha="center", va="center", fontsize=8)
    label = member.name.split()[0] if member.id != PATIENT_ID else f"{member.name.split()[0]} (patient)"
    relation = member.relation.split("(")[0].strip() if member.id != PATIENT_ID else ""
    ax.text(x, y - SIZE / 2 - 0.22, f"{label}\n{relation}".strip(),
            ha="center", va="top", fontsize=7)


def _partner_line(ax: Any, a: tuple[float, float], b: tuple[float, float], status: str, gid: str) -> None:
    y = a[1] - SIZE / 2 - 0.15
    style = "--" if status == "partnered" else "-"
    (line,) = ax.plot([a[0], a[0], b[0], b[0]], [a[1] - SIZE / 2, y, y, b[1] - SIZE / 2],
                      color="black", lw=1.2, ls=style)
    line.set_gid(gid)
    mid = (a[0] + b[0]) / 2
    slashes = {"separated": 1, "divorced": 2}.get(status, 0)
    for k in range(slashes):
        off = (k - (slashes - 1) / 2) * 0.12
        ax.plot([mid + off - 0.06, mid + off + 0.06], [y - 0.12, y + 0.12], color="black", lw=1.2)


def genogram(subject: Patient | Case, ax: Any = None, title: bool = True) -> Any:
    """Draw the patient's genogram (of a Patient or a Case's patient); return the matplotlib Figure."""
    patient = subject if isinstance(subject, Patient) else subject.patient
    plt = pyplot()
    if ax is None:
        fig, ax = plt.subplots(figsize=(8, 5.5))
    else:
        fig = ax.figure
    pos = layout(patient)
    index = _patient_as_member(patient)
    members = {m.id: m for m in patient.family if m.id in pos}
    members[PATIENT_ID] = index

    # Parents joined by a line, with a drop to the patient's sibship line.
    parents = [m for m in patient.family if relation_info(m.relation).kind == "parent" and m.id in pos]
    if len(parents) >= 2:
        status = parents[0].partner_status or parents[1].partner_status or "married"
        _partner_line(ax, pos[parents[0].id], pos[parents[1].id], status,
                      f"partner:{parents[0].id}:{status}")
    sibship = [PATIENT_ID] + [m.id for m in patient.family if relation_info(m.relation).kind == "sibling"]
    if parents:
        top = pos[parents[0].id][1] - SIZE / 2 - 0.15
        px = sum(pos[p.id][0] for p in parents[:2]) / len(parents[:2])
        xs = [pos[i][0] for i in sibship]
        bar = 0 + SIZE / 2 + 0.5
        ax.plot([px, px], [top, bar], color="black", lw=1.0)
        ax.plot([min(xs + [px]), max(xs + [px])], [bar, bar], color="black", lw=1.0)
        for x in xs:
            ax.plot([x, x], [bar, SIZE / 2], color="black", lw=1.0)

    partners = [m for m in patient.family if relation_info(m.relation).kind == "partner"]
    for m in partners:
        status = m.partner_status or ("married" if m.relation in {"spouse", "wife", "husband"} else "partnered")
        _partner_line(ax, pos[PATIENT_ID], pos[m.id], status, f"partner:{m.id}:{status}")
    children = [m for m in patient.family if relation_info(m.relation).generation == 1
                and relation_info(m.relation).kind == "child"]
    if children:
        anchor_x = (pos[PATIENT_ID][0] + pos[partners[0].id][0]) / 2 if partners else pos[PATIENT_ID][0]
        start_y = -SIZE / 2 - 0.15
        bar = -2.0 + SIZE / 2 + 0.5
        xs = [pos[c.id][0] for c in children]
        ax.plot([anchor_x, anchor_x], [start_y, bar], color="black", lw=1.0)
        ax.plot([min(xs + [anchor_x]), max(xs + [anchor_x])], [bar, bar], color="black", lw=1.0)
        for x in xs:
            ax.plot([x, x], [bar, -2.0 + SIZE / 2], color="black", lw=1.0)

    grandchildren = [m for m in patient.family if relation_info(m.relation).generation == 2]
    if grandchildren and children:
        parent = next((c for c in children if any(w in c.relation.lower() for w in ("mother", "father"))),
                      children[0])
        px, py = pos[parent.id]
        bar = -4.0 + SIZE / 2 + 0.5
        xs = [pos[g.id][0] for g in grandchildren]
        ax.plot([px, px], [py - SIZE / 2 - 0.6, bar], color="black", lw=1.0)
        ax.plot([min(xs + [px]), max(xs + [px])], [bar, bar], color="black", lw=1.0)
        for x in xs:
            ax.plot([x, x], [bar, -4.0 + SIZE / 2], color="black", lw=1.0)

    for mid, member in members.items():
        _symbol(ax, member, pos[mid], is_index=(mid == PATIENT_ID))

    _household(ax, patient, pos)

    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    ax.set_xlim(min(xs) - 1.4, max(xs) + 1.4)
    ax.set_ylim(min(ys) - 1.4, max(ys) + 1.2)
    ax.set_aspect("equal")
    ax.axis("off")
    if title:
        ax.set_title(f"Genogram: {patient.identity.name} (synthetic patient)", fontsize=11)
    ax.text(0.0, -0.02, "square male, circle female, diamond other; X deceased; double outline patient; "
            "dashed box household; / separated, // divorced", transform=ax.transAxes, fontsize=6.5,
            va="top")
    return fig


def _household(ax: Any, patient: Patient, pos: dict[str, tuple[float, float]]) -> None:
    """A dashed boundary around the household, one box per generation, joined by dashed lines."""
    from matplotlib.patches import FancyBboxPatch

    household = [PATIENT_ID] + [m.id for m in patient.family if m.lives_with_patient and m.living and m.id in pos]
    if len(household) < 2:
        return
    rows: dict[float, list[float]] = {}
    for mid in household:
        rows.setdefault(pos[mid][1], []).append(pos[mid][0])
    previous: tuple[float, float] | None = None
    for i, (y, xs) in enumerate(sorted(rows.items(), reverse=True)):
        box = FancyBboxPatch((min(xs) - 0.5, y - 0.95), max(xs) - min(xs) + 1.0, 1.45,
                             boxstyle="round,pad=0.05", fill=False, ls=(0, (4, 3)),
                             edgecolor=OKABE_ITO["vermillion"], lw=1.3)
        box.set_gid("household" if i == 0 else f"household:{i}")
        ax.add_patch(box)
        centre = (min(xs) + max(xs)) / 2
        if previous is not None:
            ax.plot([previous[0], centre], [previous[1] - 0.95 - 0.05, y + 0.5 + 0.05], ls=(0, (4, 3)),
                    color=OKABE_ITO["vermillion"], lw=1.3)
        previous = (centre, y)


def describe(subject: Patient | Case, disclosed: Iterable[str] | bool = ()) -> str:
    """A text description of the genogram for screen readers (abuse not yet disclosed is not named)."""
    patient, conceal = view(subject, disclosed)
    parts = [f"Genogram of {patient.identity.name}, {patient.identity.age}."]
    for m in patient.family:
        state = "deceased" if not m.living else f"{m.age}"
        home = ", lives with the patient" if m.lives_with_patient and m.living else ""
        quality = presented_quality(m.relationship_quality, conceal).replace("_", " ")
        parts.append(f"{m.relation.capitalize()} {m.name} ({state}{home}); relationship {quality}.")
    return " ".join(parts)
