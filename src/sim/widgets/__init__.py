"""ipywidgets GUIs: thin classes over the engine, holding no logic of their own."""
from __future__ import annotations
