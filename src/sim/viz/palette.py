"""Okabe-Ito colour-blind-safe palette and the shared matplotlib set-up."""
from __future__ import annotations

from typing import Any

OKABE_ITO = {
    "black": "#000000", "orange": "#E69F00", "sky": "#56B4E9", "green": "#009E73",
    "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00", "purple": "#CC79A7",
}


def pyplot() -> Any:
    """matplotlib.pyplot with a non-interactive backend unless one is already chosen."""
    import matplotlib

    if matplotlib.get_backend().lower() in {"", "agg"} or "inline" not in matplotlib.get_backend():
        import os
        if not os.environ.get("MPLBACKEND") and "ipykernel" not in __import__("sys").modules:
            matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt
