"""The demo registry: realistic, valid for the real import, loaded only into an empty registry."""

from __future__ import annotations

from datetime import date

from tekseru.catalog.identifiers import is_valid_identifier
from tekseru.catalog_files import load_catalogue, load_regions
from tekseru.services.assessments import run_assessment
from tekseru.services.demo import load_demo
from tekseru.services.demo_data import EVIDENCE_COLUMNS, SUBJECT_COLUMNS, generate_demo
from tekseru.store import Database
from tekseru.store.evidence import count_evidence
from tekseru.store.subjects import count_subjects, iter_subjects
from tests.catalogue import CATALOGUE

TODAY = date(2025, 3, 14)
EDITION = load_catalogue().edition_at(TODAY)
REGIONS = load_catalogue().regions


def test_the_demo_registry_covers_every_region_group_and_source() -> None:
    demo = generate_demo(EDITION, REGIONS, TODAY)
    regions = load_regions()
    assert {regions.find(row["region"]).key for row in demo.subjects} == set(regions.keys())
    assert len(regions.keys()) == 20
    groups = {key for row in demo.subjects for key in row["groups"].split("|")}
    assert groups == set(EDITION.groups)
    assert any("|" in row["groups"] for row in demo.subjects)
    bins = [row["bin"] for row in demo.subjects]
    assert len(set(bins)) == len(bins) and all(is_valid_identifier(bin) for bin in bins)
    assert {row["source_group"] for row in demo.evidence} == {"1", "2", "3", "4"}
    assert {row["confirmed"] for row in demo.evidence if row["source_group"] == "4"} == {"true", "false", ""}
    assert all(date.fromisoformat(row["observed_on"]) < TODAY for row in demo.evidence)
    assert all(tuple(row) == SUBJECT_COLUMNS for row in demo.subjects)
    assert all(tuple(row) == EVIDENCE_COLUMNS for row in demo.evidence)


def test_the_demo_registry_is_the_same_for_the_same_seed() -> None:
    assert generate_demo(EDITION, REGIONS, TODAY) == generate_demo(EDITION, REGIONS, TODAY)
    assert generate_demo(EDITION, REGIONS, TODAY, seed=1) != generate_demo(EDITION, REGIONS, TODAY)


def test_the_demo_loads_through_the_import_into_an_empty_registry_only(database: Database) -> None:
    demo = generate_demo(EDITION, REGIONS, TODAY)
    calls: list[tuple[int, int]] = []
    loaded = load_demo(
        database, today=TODAY, progress=lambda done, total: calls.append((done, total)), catalogue=CATALOGUE
    )
    assert (loaded.loaded, loaded.subjects, loaded.evidence) == (True, len(demo.subjects), len(demo.evidence))
    assert calls and calls[-1] == (len(demo.evidence), len(demo.evidence))
    with database.transaction() as session:
        assert count_subjects(session) == len(demo.subjects)
        assert count_evidence(session) == len(demo.evidence)
        stored = list(iter_subjects(session))
    assert {subject.region for subject in stored} == set(load_regions().keys())
    again = load_demo(database, today=TODAY, catalogue=CATALOGUE)
    assert (again.loaded, again.subjects, again.evidence) == (False, len(demo.subjects), len(demo.evidence))
    assert "not empty" in again.message
    summary = run_assessment(database, as_of=TODAY, catalogue=CATALOGUE)
    assert summary.subject_groups == sum(len(row["groups"].split("|")) for row in demo.subjects)
    assert summary.classes["high"] > 0 and summary.classes["low"] > 0
