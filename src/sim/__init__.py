"""sim: a simulation curriculum for medical social work.

Everything this package generates is synthetic and labelled so.
"""
from __future__ import annotations
__version__ = "0.1.0"
