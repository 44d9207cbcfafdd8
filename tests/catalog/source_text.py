"""Where the tests find the extracted source document of the act."""

from __future__ import annotations

from pathlib import Path

SOURCE = Path(__file__).parents[2] / "src/tekseru/catalog/data/editions/2022-29983/source-kk.txt"
