"""Roster, delivery and findings files for the information systems' tests: valid IINs and BINs, written as
CSV on the fly."""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from pathlib import Path

from tekseru.catalog.identifiers import demo_bins

PROVIDER_A, PROVIDER_B, PROVIDER_C = demo_bins(3)
IINS = tuple(demo_bins(40, prefix="8503124"))


def iins() -> Iterator[str]:
    return iter(IINS)


def write(path: Path, header: Sequence[str], rows: Sequence[Sequence[object]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(["" if value is None else value for value in row] for row in rows)
    return path


ROSTER_HEADER = ("iin", "bin", "form", "start_date", "end_date")
DELIVERY_HEADER = ("iin", "bin", "kind", "planned", "delivered", "date")
FINDING_HEADER = ("object", "bin", "element", "found_on")
