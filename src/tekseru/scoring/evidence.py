"""One piece of evidence that a subject violated a criterion, as the scoring core sees it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class EvidenceFact:
    """A violation of `criterion` seen on `observed_on` through information source `source_group`.

    `confirmed` matters for complaints only: a complaint counts once it is confirmed (True); None means
    not yet known. `used_on` is the day the evidence was taken into account for a visit to the subject
    (None: never); the Rules forbid counting it again after that day.
    """

    evidence_id: int
    criterion: int
    source_group: int
    observed_on: date
    confirmed: bool | None = None
    used_on: date | None = None
