"""Pictures: genogram, ecomap and outcome plots, drawn with matplotlib (imported on first draw).

Colours are the Okabe-Ito palette, safe for colour-blind readers; line style, not colour alone,
carries every meaning.
"""
from __future__ import annotations

from sim.viz import outcomes
from sim.viz.ecomap import ecomap
from sim.viz.genogram import genogram

__all__ = ["ecomap", "genogram", "outcomes"]

