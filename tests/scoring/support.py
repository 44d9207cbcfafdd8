"""Rules, profiles and evidence for scoring tests, built without the catalogue's criteria and groups files."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from functools import cache
from importlib import resources
from types import SimpleNamespace
from typing import Any

import yaml
from hypothesis import strategies as st

from tekseru.catalog.edition import CatalogueEdition
from tekseru.catalog.schema import ClassBound, ControlGroup, Criterion, MethodologyFile, Severity, Text
from tekseru.scoring import EvidenceColumns, EvidenceFact, GroupMatrix, GroupProfile, ScoringRules

EDITION_FOLDER = resources.files("tekseru.catalog.data") / "editions" / "2022-29983"
AS_OF = date(2024, 6, 30)


@cache
def methodology_2022() -> MethodologyFile:
    """The methodology of edition 2022-29983, the only data file these tests read."""
    text = (EDITION_FOLDER / "methodology.yaml").read_text(encoding="utf-8")
    return MethodologyFile.model_validate(yaml.safe_load(text))


def edition_with(
    methodology: MethodologyFile,
    criteria: Iterable[Criterion] = (),
    groups: Iterable[ControlGroup] = (),
) -> CatalogueEdition:
    """A CatalogueEdition holding only what scoring reads (no checklists, form or edition header)."""
    none: Any = None
    header: Any = SimpleNamespace(id="scoring-test", effective_from=date(2022, 10, 14))
    return CatalogueEdition(
        edition=header,
        criteria={criterion.number: criterion for criterion in criteria},
        checklists={},
        groups={group.key: group for group in groups},
        methodology=methodology,
        form=none,
    )


@cache
def rules_2022() -> ScoringRules:
    return ScoringRules.from_edition(edition_with(methodology_2022()))


def rules(**changes: Any) -> ScoringRules:
    return dataclasses.replace(rules_2022(), **changes)


def bounds(*rows: tuple[str, float | None, float]) -> tuple[ClassBound, ...]:
    return tuple(
        ClassBound(risk_class=name, above=above, up_to=up_to, candidate_for_visit=name != "low")
        for name, above, up_to in rows
    )


def text(value: str) -> Text:
    return Text(kk=value, ru=value, en=value)


def profile(group: str, rows: Iterable[tuple[int, str, int]]) -> GroupProfile:
    """A profile from (number, "gross" | "significant" | "minor", source group) rows."""
    return GroupProfile.of(group, ((number, Severity(level), source) for number, level, source in rows))


def fact(
    evidence_id: int,
    criterion: int,
    source_group: int = 1,
    observed_on: date = date(2024, 1, 10),
    confirmed: bool | None = None,
    used_on: date | None = None,
) -> EvidenceFact:
    return EvidenceFact(evidence_id, criterion, source_group, observed_on, confirmed, used_on)


def columns_for(per_row: Sequence[Sequence[EvidenceFact]]) -> EvidenceColumns:
    """Bulk columns for the facts of subject-group rows 0..len-1."""
    return EvidenceColumns.from_facts((row, item) for row, facts in enumerate(per_row) for item in facts)


def matrix_of(profiles: Sequence[GroupProfile]) -> GroupMatrix:
    return GroupMatrix.from_profiles(profiles)


# Hypothesis strategies: a small catalogue (criteria 1..12, complaint rows in source group 4) and
# evidence around the 2022 rules' 12-month period, so every ignore reason turns up often.
SEVERITIES = ("gross", "significant", "minor")
CATALOGUE_SIZE = 12


@st.composite
def catalogues(draw: st.DrawFn) -> dict[int, tuple[str, int]]:
    """{criterion: (severity, source group)} for criteria 1..CATALOGUE_SIZE."""
    levels = draw(st.lists(st.sampled_from(SEVERITIES), min_size=CATALOGUE_SIZE, max_size=CATALOGUE_SIZE))
    sources = draw(st.lists(st.integers(1, 4), min_size=CATALOGUE_SIZE, max_size=CATALOGUE_SIZE))
    return {number: (levels[number - 1], sources[number - 1]) for number in range(1, CATALOGUE_SIZE + 1)}


@st.composite
def profiles(draw: st.DrawFn, catalogue: dict[int, tuple[str, int]], group: str = "g") -> GroupProfile:
    numbers = draw(st.sets(st.sampled_from(sorted(catalogue)), max_size=CATALOGUE_SIZE))
    return profile(group, ((number, *catalogue[number]) for number in sorted(numbers)))


def facts(min_size: int = 0, max_size: int = 12, first_id: int = 1) -> st.SearchStrategy[list[EvidenceFact]]:
    one = st.builds(
        lambda criterion, source, days_before, confirmed, used_after: (
            criterion,
            source,
            AS_OF - timedelta(days=days_before),
            confirmed,
            None if used_after is None else AS_OF - timedelta(days=days_before) + timedelta(days=used_after),
        ),
        st.integers(1, CATALOGUE_SIZE + 2),
        st.integers(1, 4),
        st.integers(-30, 450),
        st.sampled_from((None, False, True, True)),
        st.one_of(st.none(), st.none(), st.integers(0, 300)),
    )
    return st.lists(one, min_size=min_size, max_size=max_size).map(
        lambda rows: [EvidenceFact(first_id + index, *row) for index, row in enumerate(rows)]
    )


rule_sets = st.builds(
    lambda threshold, reuse, lookback: rules(
        complaint_threshold=threshold, reuse_evidence_used_for_visit=reuse, lookback_months=lookback
    ),
    st.integers(1, 3),
    st.booleans(),
    st.sampled_from((6, 12)),
)


@st.composite
def populations(
    draw: st.DrawFn,
) -> tuple[ScoringRules, list[GroupProfile], list[int], list[list[EvidenceFact]]]:
    """A few groups over one catalogue and up to 6 subject-groups with their evidence."""
    catalogue = draw(catalogues())
    groups = [draw(profiles(catalogue, group=f"g{index}")) for index in range(draw(st.integers(1, 3)))]
    group_of = draw(st.lists(st.integers(0, len(groups) - 1), min_size=1, max_size=6))
    evidence = [draw(facts(first_id=100 * row)) for row in range(len(group_of))]
    return draw(rule_sets), groups, group_of, evidence
