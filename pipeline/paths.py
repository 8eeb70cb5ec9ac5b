"""Default locations, relative to the repository root."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RAW_DIR = ROOT / "raw"
EXTRACTED = "extracted"
REPORTS = "reports"
SCHEMAS = "schemas"
CACHE = ".cache"
RESOLUTIONS = "resolutions.yaml"
