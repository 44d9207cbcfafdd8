"""Deterministic synthetic subjects and evidence for benchmarks (seeded NumPy; the same seed, the same data).

The shape follows the act: 90 criteria rows in four information-source groups (rows 85-90 count confirmed
complaints), six kinds of controlled subject, most subjects with few violations and a few with many, some
evidence past its limitation period, after the as-of date or already used for a visit, and complaints that
are confirmed, not confirmed or not yet known.

    from synthetic import generate, write_csv
    data = generate(1_000, 10_000)              # arrays for tekseru.scoring.bulk.score_bulk
    write_csv(data, Path("out"))                # subjects.csv and evidence.csv for the importer

Pass `matrix=GroupMatrix.from_profiles(...)` built from a real catalogue edition to use its criteria and
group keys instead of the synthetic ones.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import numpy.typing as npt

from tekseru.catalog.schema import Severity
from tekseru.catalog_files import load_regions
from tekseru.scoring.columns import (
    NEVER_USED,
    NOT_KNOWN,
    SEVERITY_CODES,
    EvidenceColumns,
    GroupMatrix,
    from_day_number,
)
from tekseru.scoring.rules import GroupProfile

DEFAULT_SEED = 20221003  # the day order No. 401/69 was registered
DEFAULT_AS_OF = date(2024, 7, 1)
COMPLAINT_SOURCE_GROUP = 4
GROSS_RARITY = 0.03  # a gross row is found this many times as often as another row
SYNTHETIC_GROUPS = (
    "local_executive_body",
    "stationary_provider",
    "home_care_provider",
    "temporary_stay_provider",
    "infrastructure_access",
    "rehabilitation_provider",
)


def _source_group(number: int) -> int:
    """Rows 1-40 previous inspections, 41-55 internet and media, 56-84 reports and data, 85-90 complaints."""
    return 1 if number <= 40 else 2 if number <= 55 else 3 if number <= 84 else COMPLAINT_SOURCE_GROUP


def _severity(number: int) -> Severity:
    if number % 10 == 0:
        return Severity.GROSS
    return Severity.SIGNIFICANT if number % 2 else Severity.MINOR


def synthetic_matrix(seed: int = DEFAULT_SEED, criteria: int = 90) -> GroupMatrix:
    """Six groups, each applying a seeded 50-80 % of the rows (every group keeps all complaint rows)."""
    rng = np.random.default_rng(seed)
    profiles = []
    for group in SYNTHETIC_GROUPS:
        share = rng.uniform(0.5, 0.8)
        numbers = [n for n in range(1, criteria + 1) if rng.random() < share or n > 84]
        profiles.append(GroupProfile.of(group, ((n, _severity(n), _source_group(n)) for n in numbers)))
    return GroupMatrix.from_profiles(profiles)


@dataclass(frozen=True)
class SyntheticData:
    matrix: GroupMatrix
    group_of: npt.NDArray[np.int32]  # homogeneous group (row of matrix) of each subject-group
    subject_of: npt.NDArray[np.int64]  # subject of each subject-group; a subject may be in two groups
    evidence: EvidenceColumns
    as_of: date

    @property
    def subject_groups(self) -> int:
        return len(self.group_of)

    @property
    def subjects(self) -> int:
        return int(self.subject_of[-1]) + 1 if len(self.subject_of) else 0


def generate(
    subject_groups: int,
    evidence: int,
    *,
    seed: int = DEFAULT_SEED,
    as_of: date = DEFAULT_AS_OF,
    matrix: GroupMatrix | None = None,
) -> SyntheticData:
    matrix = matrix if matrix is not None else synthetic_matrix(seed)
    rng = np.random.default_rng(seed)
    subject_of, group_of = _subject_groups(rng, subject_groups, len(matrix.groups))
    row = _skewed_rows(rng, subject_groups, evidence)
    criterion = _criteria(rng, matrix, group_of[row])
    source = matrix.source_group[criterion].astype(np.int16)
    source[source == 0] = rng.integers(1, 4, size=int((source == 0).sum()), dtype=np.int16)
    observed, used = _days(rng, evidence, as_of)
    confirmed = _confirmations(rng, source == COMPLAINT_SOURCE_GROUP)
    columns = EvidenceColumns(row, criterion, source, observed, confirmed, used)
    return SyntheticData(matrix, group_of, subject_of, columns, as_of)


def _subject_groups(
    rng: np.random.Generator, count: int, groups: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int32]]:
    """About 15 % of subjects are of two kinds (a provider with stationary and home-care services)."""
    per_subject = 1 + (rng.random(count) < 0.15)
    subject_of = np.repeat(np.arange(count, dtype=np.int64), per_subject)[:count]
    first = rng.integers(0, groups, size=count)
    second_row = np.r_[False, subject_of[1:] == subject_of[:-1]]
    group_of = np.where(second_row, (np.roll(first, 1) + 1 + first % max(groups - 1, 1)) % groups, first)
    return subject_of, group_of.astype(np.int32)


def _skewed_rows(rng: np.random.Generator, subject_groups: int, evidence: int) -> npt.NDArray[np.int64]:
    """Heavy-tailed violation rates: most subject-groups have a handful of records, a few have hundreds.

    The records come in random order, the hardest case for the bulk core's memory access.
    """
    rate = rng.pareto(1.5, size=subject_groups) + 0.05
    counts = rng.multinomial(evidence, rate / rate.sum())
    rows = np.repeat(np.arange(subject_groups, dtype=np.int64), counts)
    rng.shuffle(rows)
    return rows


def _criteria(
    rng: np.random.Generator, matrix: GroupMatrix, groups: npt.NDArray[np.int32]
) -> npt.NDArray[np.int32]:
    """Mostly rows of the subject's own group, gross rows rarer; 5 % any row of the act (not applicable)."""
    criterion = np.zeros(len(groups), dtype=np.int32)
    for index, row in enumerate(matrix.applicable):
        numbers = np.flatnonzero(row)
        members = np.flatnonzero(groups == index)
        if not len(numbers) or not len(members):
            continue
        likelihood = np.where(matrix.severity[numbers] == SEVERITY_CODES[Severity.GROSS], GROSS_RARITY, 1.0)
        criterion[members] = rng.choice(numbers, size=len(members), p=likelihood / likelihood.sum())
    anywhere = rng.random(len(groups)) < 0.05
    criterion[anywhere] = rng.integers(1, matrix.width, size=int(anywhere.sum()), dtype=np.int32)
    return criterion


def _days(
    rng: np.random.Generator, count: int, as_of: date
) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.int32]]:
    """Observed over the last 18 months (a third past a 12-month period), 1 % after as_of; 10 % used."""
    as_of_day = as_of.toordinal() - date(1970, 1, 1).toordinal()
    observed = as_of_day - rng.integers(0, 548, size=count)
    late = rng.random(count) < 0.01
    observed[late] = as_of_day + rng.integers(1, 30, size=int(late.sum()))
    used = np.full(count, NEVER_USED, dtype=np.int64)
    was_used = rng.random(count) < 0.10
    used[was_used] = observed[was_used] + rng.integers(1, 180, size=int(was_used.sum()))
    return observed.astype(np.int32), used.astype(np.int32)


def _confirmations(rng: np.random.Generator, complaint: npt.NDArray[np.bool_]) -> npt.NDArray[np.int8]:
    """Complaints: 60 % confirmed, 25 % not confirmed, 15 % not yet known; other evidence: not applicable."""
    draw = rng.random(len(complaint))
    status = np.where(draw < 0.60, 1, np.where(draw < 0.85, 0, NOT_KNOWN))
    return np.where(complaint, status, NOT_KNOWN).astype(np.int8)


def synthetic_bins(count: int) -> list[str]:
    """`count` distinct valid BINs, made up: YYMM (from 2010-01, one month per 100,000 at most), 4 and 0 for
    a legal person's head office, a five-digit serial and the check digit, computed for all at once."""
    serial = np.arange(100_000, dtype=np.int64)
    made: list[npt.NDArray[np.int64]] = []
    month = 0
    while sum(len(part) for part in made) < count:
        year, month_of_year = divmod(month, 12)
        prefix = f"{10 + year:02d}{month_of_year + 1:02d}40"
        digits = np.array([int(digit) for digit in prefix] + [0] * 5, dtype=np.int64) + np.zeros(
            (len(serial), 1), np.int64
        )
        for place in range(5):
            digits[:, 6 + place] = serial // 10 ** (4 - place) % 10
        check = digits @ np.arange(1, 12) % 11
        again = digits @ np.array([3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]) % 11
        check = np.where(check == 10, again, check)
        numbers = (int(prefix) * 100_000 + serial) * 10 + check
        made.append(numbers[check != 10])
        month += 1
    return [f"{number:012d}" for number in np.concatenate(made)[:count].tolist()] if count else []


def write_csv(data: SyntheticData, folder: Path, *, group_separator: str = "|") -> tuple[Path, Path]:
    """subjects.csv (bin,name,region,address,groups) and evidence.csv for the importer; returns the paths.

    The files follow docs/import-formats.md exactly: groups separated by `|`, region keys, confirmed
    `true`, `false` or empty.
    """
    folder.mkdir(parents=True, exist_ok=True)
    bins = synthetic_bins(data.subjects)
    subjects_path, evidence_path = folder / "subjects.csv", folder / "evidence.csv"
    with subjects_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(("bin", "name", "region", "address", "groups"))
        writer.writerows(subject_rows(data, bins, group_separator))
    with evidence_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(("bin", "criterion", "source_group", "observed_on", "reference", "confirmed"))
        writer.writerows(_evidence_rows(data, bins))
    return subjects_path, evidence_path


def subject_rows(data: SyntheticData, bins: list[str], separator: str = "|") -> Iterator[tuple[str, ...]]:
    """(bin, name, region key, address, groups) of every subject."""
    groups: list[list[str]] = [[] for _ in range(data.subjects)]
    for subject, group in zip(data.subject_of.tolist(), data.group_of.tolist(), strict=True):
        groups[subject].append(data.matrix.groups[group])
    regions = load_regions().keys()
    for subject, bin_ in enumerate(bins):
        region = regions[subject % len(regions)]
        name = f"Synthetic provider {subject + 1:07d}"
        yield bin_, name, region, f"{subject % 97 + 1} Synthetic street", separator.join(groups[subject])


def _evidence_rows(data: SyntheticData, bins: list[str]) -> Iterator[tuple[str, ...]]:
    """One row per record; `used_on` is not an import column (use is recorded when a visit is made)."""
    columns = data.evidence
    subject = data.subject_of[columns.subject_group].tolist()
    day_text = {int(day): from_day_number(int(day)).isoformat() for day in np.unique(columns.observed_on)}
    confirmed_text = {1: "true", 0: "false", NOT_KNOWN: ""}
    rows = zip(
        subject,
        columns.criterion.tolist(),
        columns.source_group.tolist(),
        columns.observed_on.tolist(),
        columns.confirmed.tolist(),
        strict=True,
    )
    for index, (owner, criterion, source, day, confirmed) in enumerate(rows):
        complaint_status = confirmed_text[confirmed] if source == COMPLAINT_SOURCE_GROUP else ""
        reference = f"SYN-{index + 1:09d}"
        yield bins[owner], str(criterion), str(source), day_text[day], reference, complaint_status
