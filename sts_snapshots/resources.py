"""The files shipped with the app (``static/``: fonts, theme, icon), from the source tree or a PyInstaller bundle."""

from __future__ import annotations

import sys
from pathlib import Path


def static_dir() -> Path:
    """``static/`` beside the package, or inside a PyInstaller bundle."""
    bundle = getattr(sys, "_MEIPASS", None)
    base = Path(bundle) if bundle else Path(__file__).resolve().parent.parent
    return base / "static"


def sample_checklist_set() -> Path:
    """The generic checklist set the app ships (a sample in its own words; organisations import their own)."""
    return static_dir() / "checklists" / "generic-sample.json"
