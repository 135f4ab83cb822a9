"""Pictures: genogram, ecomap and outcome plots, drawn with matplotlib (imported on first draw).

Colours are the Okabe-Ito palette, safe for colour-blind readers; line style, not colour alone,
carries every meaning.
"""
from __future__ import annotations

from sim.viz.ecomap import ecomap
from sim.viz.genogram import genogram

__all__ = ["ecomap", "genogram", "outcomes"]


def __getattr__(name: str) -> object:
    if name == "outcomes":  # loads the outcome engine only when an outcome plot is wanted
        import importlib

        return importlib.import_module("sim.viz.outcomes")
    raise AttributeError(f"module 'sim.viz' has no attribute {name!r}")
