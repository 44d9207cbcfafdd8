"""The rosters of source group 3 end to end on SQLite and PostgreSQL: import (all or nothing, idempotent),
each kind of discrepancy, each category of non-fulfilment and of accessibility, thresholds, evidence with
its stored report, masking per role, retention."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from tekseru.catalog import information_systems
from tekseru.catalog.edition import CatalogueEdition
from tekseru.catalog_files import load_catalogue
from tekseru.intake import ImportFileError
from tekseru.services import roster_reports, rosters
from tekseru.services.permissions import Actor, PermissionDenied, Role
from tekseru.store import Database, SubjectData
from tekseru.store.evidence import evidence_for_subjects
from tekseru.store.subjects import subject_ids_by_bin, upsert_subjects
from tests.services.roster_data import (
    DELIVERY_HEADER,
    FINDING_HEADER,
    IINS,
    PROVIDER_A,
    PROVIDER_B,
    PROVIDER_C,
    ROSTER_HEADER,
    write,
)

TODAY = date(2024, 6, 30)
AS_OF = date(2024, 6, 1)
ADMIN = Actor.system("test")
PLANNER = Actor("planner", Role.PLANNER)
VIEWER = Actor("viewer", Role.VIEWER)
INSPECTOR = Actor("inspector", Role.INSPECTOR, region="astana")


@pytest.fixture
def edition() -> CatalogueEdition:
    return load_catalogue().edition_at(TODAY)


def _import_three(db: Database, tmp_path: Path, provider: list, esobes: list, portal: list) -> None:
    for source, rows in (("provider", provider), ("esobes", esobes), ("portal", portal)):
        path = write(tmp_path / f"{source}.csv", ROSTER_HEADER, rows)
        rosters.import_roster(db, source, path, actor=ADMIN, today=TODAY)


def _stay(
    iin: str,
    bin: str = PROVIDER_A,
    form: str = "stationary",
    start: str = "2024-01-10",
    end: str | None = None,
) -> list:
    return [iin, bin, form, start, end]


# One recipient per kind of discrepancy, all at provider A, and one who is consistent everywhere.
OK, NO_ESOBES, NO_PORTAL, NO_PROVIDER, ENDED, FORM, DATES, TWICE = IINS[:8]


@pytest.fixture
def reconciled(database: Database, tmp_path: Path) -> roster_reports.Reconciliation:
    provider = [
        _stay(OK),
        _stay(NO_ESOBES),
        _stay(NO_PORTAL),
        _stay(ENDED),
        _stay(FORM, form="home_care"),
        _stay(DATES, start="2024-02-01"),
        _stay(TWICE),
    ]
    esobes = [
        _stay(OK),
        _stay(NO_PORTAL),
        _stay(NO_PROVIDER),
        _stay(ENDED, end="2024-03-31"),
        _stay(FORM),
        _stay(DATES),
        _stay(TWICE),
        _stay(TWICE, bin=PROVIDER_B, start="2024-05-01"),
    ]
    portal = [
        _stay(OK),
        _stay(NO_ESOBES),
        _stay(NO_PROVIDER),
        _stay(ENDED),
        _stay(FORM),
        _stay(DATES),
        _stay(TWICE),
    ]
    _import_three(database, tmp_path, provider, esobes, portal)
    return roster_reports.reconcile(database, AS_OF, actor=ADMIN)


EXPECTED = {
    "missing_in_esobes": {NO_ESOBES},
    "missing_in_portal": {NO_PORTAL},
    "missing_in_provider": {NO_PROVIDER},
    "after_end_date": {ENDED},
    "service_form_mismatch": {FORM},
    "date_mismatch": {DATES},
    "duplicate_across_providers": {TWICE},
}


@pytest.mark.parametrize("kind", sorted(EXPECTED))
def test_each_kind_of_discrepancy_is_found_with_the_records_behind_it(
    reconciled: roster_reports.Reconciliation, kind: str
) -> None:
    found = {item.iin for item in reconciled.by_provider[PROVIDER_A].get(kind, ())}
    assert found == EXPECTED[kind]
    report = reconciled.to_json(reveal=True)["providers"][PROVIDER_A]
    assert report[kind] == 1
    assert [record["iin"] for record in report["records"][kind]] == sorted(EXPECTED[kind])


def test_the_json_has_every_key_of_the_issue_for_each_provider(
    reconciled: roster_reports.Reconciliation,
) -> None:
    report = reconciled.to_json()
    assert set(report["providers"]) == {PROVIDER_A, PROVIDER_B}
    assert set(report["providers"][PROVIDER_A]) == {*EXPECTED, "records"}
    # The other side of the duplicate: provider B has the same recipient, and nothing else is wrong there
    # but that it is missing from the provider's and the portal's lists.
    b = report["providers"][PROVIDER_B]
    assert b["duplicate_across_providers"] == 1 and b["missing_in_provider"] == 1
    assert b["records"]["duplicate_across_providers"][0]["other_provider_bin"] == PROVIDER_A


def test_a_consistent_recipient_makes_no_discrepancy(reconciled: roster_reports.Reconciliation) -> None:
    every = {
        item.iin for kinds in reconciled.by_provider.values() for items in kinds.values() for item in items
    }
    assert OK not in every


def test_iins_are_masked_unless_revealed(reconciled: roster_reports.Reconciliation) -> None:
    masked = reconciled.to_json()["providers"][PROVIDER_A]["records"]["missing_in_esobes"][0]
    assert masked["iin"] == NO_ESOBES[:6] + "******"
    assert masked["provider"] == {"form": "stationary", "start_date": "2024-01-10", "end_date": None}
    assert masked["esobes"] is None


def test_nothing_started_after_the_date_counts(database: Database, tmp_path: Path) -> None:
    _import_three(database, tmp_path, [_stay(OK, start="2024-06-15")], [], [])
    assert roster_reports.reconcile(database, AS_OF, actor=ADMIN).by_provider == {}


def test_a_roster_import_is_all_or_nothing_and_names_file_row_and_field(
    database: Database, tmp_path: Path
) -> None:
    wrong_digit = IINS[0][:-1] + str((int(IINS[0][-1]) + 1) % 10)
    rows = [
        _stay(IINS[1]),
        _stay(wrong_digit),
        _stay(IINS[2], form="hotel"),
        _stay(IINS[3], end="2023-01-01"),
    ]
    path = write(tmp_path / "p.csv", ROSTER_HEADER, rows)
    with pytest.raises(ImportFileError) as caught:
        rosters.import_roster(database, "provider", path, actor=ADMIN, today=TODAY)
    errors = caught.value.errors
    assert [(e.row, e.field, e.kind.value) for e in errors] == [
        (3, "iin", "invalid_iin"),
        (4, "form", "unknown_value"),
        (5, "end_date", "end_before_start"),
    ]
    assert wrong_digit not in errors[0].describe("ru")  # personal data: only the first six digits
    assert errors[0].describe("ru").startswith(f"p.csv, строка 3, iin: {wrong_digit[:6]}******")
    assert "ЖСН" in errors[0].describe("kk")
    assert roster_reports.reconcile(database, AS_OF, actor=ADMIN).by_provider == {}


def test_importing_the_same_roster_again_changes_nothing(database: Database, tmp_path: Path) -> None:
    path = write(tmp_path / "p.csv", ROSTER_HEADER, [_stay(OK), _stay(IINS[1])])
    first = rosters.import_roster(database, "provider", path, actor=ADMIN, today=TODAY)
    again = rosters.import_roster(database, "provider", path, actor=ADMIN, today=TODAY)
    assert (first.created, again.created, again.updated, again.unchanged) == (2, 0, 0, 2)
    changed = write(tmp_path / "p2.csv", ROSTER_HEADER, [_stay(OK, end="2024-12-31")])
    assert rosters.import_roster(database, "provider", changed, actor=ADMIN, today=TODAY).updated == 1


def test_a_viewer_may_not_import(database: Database, tmp_path: Path) -> None:
    path = write(tmp_path / "p.csv", ROSTER_HEADER, [_stay(OK)])
    with pytest.raises(PermissionDenied):
        rosters.import_roster(database, "provider", path, actor=VIEWER, today=TODAY)


def _registry(database: Database, *bins: str) -> dict[str, int]:
    with database.transaction() as session:
        upsert_subjects(
            session,
            [SubjectData(bin, f"Provider {bin}", "astana", "", ("stationary_care",)) for bin in bins],
            now=datetime(2024, 1, 1, tzinfo=UTC),
        )
        return subject_ids_by_bin(session, bins)


def _deliveries_and_findings(database: Database, tmp_path: Path, edition: CatalogueEdition) -> None:
    deliveries = [
        [IINS[0], PROVIDER_A, "social_domestic", 10, 8, "2024-05-01"],  # row 79
        [IINS[1], PROVIDER_A, "social_legal", 4, 3, "2024-05-01"],  # row 80
        [IINS[2], PROVIDER_A, "wheelchairs", 1, 0, "2024-05-01"],  # row 83
        [IINS[3], PROVIDER_A, "sign_language", 12, 10, "2024-05-01"],  # row 84
        [IINS[4], PROVIDER_B, "social_medical", 5, 5, "2024-05-01"],  # delivered in full: nothing
        [IINS[5], PROVIDER_B, "social_medical", 5, 1, "2022-01-01"],  # before the rows existed: nothing
    ]
    findings = [
        ["Building 1", PROVIDER_A, "entrance_group", "2024-04-01"],  # row 81
        ["Building 1", PROVIDER_A, "public_transport", "2024-04-01"],  # row 82
        ["Building 2", PROVIDER_C, "sanitary_rooms", "2024-04-01"],  # provider C is not in the registry
    ]
    rosters.import_deliveries(
        database, write(tmp_path / "d.csv", DELIVERY_HEADER, deliveries), edition, actor=ADMIN, today=TODAY
    )
    rosters.import_findings(
        database, write(tmp_path / "f.csv", FINDING_HEADER, findings), edition, actor=ADMIN, today=TODAY
    )


def test_evidence_for_each_category_refers_to_a_stored_report_and_is_not_added_twice(
    database: Database, tmp_path: Path, edition: CatalogueEdition, reconciled: roster_reports.Reconciliation
) -> None:
    ids = _registry(database, PROVIDER_A, PROVIDER_B)
    _deliveries_and_findings(database, tmp_path, edition)
    outcome = roster_reports.make_evidence(database, edition, AS_OF, actor=PLANNER)
    with database.reading() as session:
        stored = evidence_for_subjects(session, [ids[PROVIDER_A]])
        of_b = evidence_for_subjects(session, [ids[PROVIDER_B]])
    assert sorted(e.criterion for e in stored) == [78, 79, 80, 81, 82, 83, 84]
    assert [e.criterion for e in of_b] == [78]  # only B's roster discrepancies; its deliveries are fine
    assert {e.source_group for e in stored} == {3}
    assert outcome.not_in_registry == [PROVIDER_C]
    for item in stored:
        report = roster_reports.report_for_evidence(database, item.reference, actor=VIEWER)
        assert report is not None and report["criterion"] == item.criterion and report["facts"] >= 1
    row_79 = next(e for e in stored if e.criterion == 79)
    report = roster_reports.report_for_evidence(database, row_79.reference, actor=VIEWER)
    assert report is not None
    assert report["records"]["shortfalls"] == [
        {
            "iin": IINS[0][:6] + "******",
            "kind": "social_domestic",
            "planned": 10,
            "delivered": 8,
            "date": "2024-05-01",
        }
    ]
    full = roster_reports.report_for_evidence(database, row_79.reference, actor=INSPECTOR)
    assert full is not None and full["records"]["shortfalls"][0]["iin"] == IINS[0]
    again = roster_reports.make_evidence(database, edition, AS_OF, actor=PLANNER)
    assert (again.reports_created, again.evidence_created, again.evidence_unchanged) == (0, 0, 8)
    later = roster_reports.make_evidence(database, edition, date(2024, 6, 20), actor=PLANNER)
    assert later.evidence_created == 0  # the same facts on a later day are the same evidence


def test_nothing_scores_without_facts_and_a_viewer_may_not_make_evidence(
    database: Database, edition: CatalogueEdition
) -> None:
    _registry(database, PROVIDER_A)
    outcome = roster_reports.make_evidence(database, edition, AS_OF, actor=PLANNER)
    assert (outcome.reports_created, outcome.evidence_created) == (0, 0)
    with pytest.raises(PermissionDenied):
        roster_reports.make_evidence(database, edition, AS_OF, actor=VIEWER)


def test_a_threshold_above_the_facts_makes_no_evidence(
    database: Database, tmp_path: Path, edition: CatalogueEdition
) -> None:
    rules = information_systems.of_edition(edition)
    raised = rules.model_copy(
        update={
            "thresholds": tuple(
                t.model_copy(update={"value": 2}) if t.key == "non_fulfilment_facts" else t
                for t in rules.thresholds
            )
        }
    )
    ids = _registry(database, PROVIDER_A)
    _deliveries_and_findings(database, tmp_path, edition)
    raised_edition = replace(edition, information_systems=raised)
    outcome = roster_reports.make_evidence(database, raised_edition, AS_OF, actor=PLANNER)
    with database.reading() as session:
        criteria = sorted(e.criterion for e in evidence_for_subjects(session, [ids[PROVIDER_A]]))
    assert criteria == [81, 82]  # one shortfall per row is below 2; accessibility still counts from 1
    assert outcome.below_threshold == 4


def test_records_past_the_retention_period_are_deleted(
    database: Database, tmp_path: Path, edition: CatalogueEdition
) -> None:
    path = write(tmp_path / "p.csv", ROSTER_HEADER, [_stay(OK)])
    rosters.import_roster(
        database, "provider", path, actor=ADMIN, today=TODAY, now=datetime(2020, 1, 1, tzinfo=UTC)
    )
    kept = write(tmp_path / "e.csv", ROSTER_HEADER, [_stay(OK)])
    rosters.import_roster(
        database, "esobes", kept, actor=ADMIN, today=TODAY, now=datetime(2024, 6, 1, tzinfo=UTC)
    )
    with pytest.raises(PermissionDenied):
        rosters.purge_expired(database, edition, actor=PLANNER)
    deleted = rosters.purge_expired(database, edition, actor=ADMIN, now=datetime(2024, 6, 30, tzinfo=UTC))
    assert deleted["roster_entries"] == 1
    remaining = roster_reports.reconcile(database, AS_OF, actor=ADMIN).to_json(reveal=True)
    assert remaining["providers"][PROVIDER_A]["missing_in_provider"] == 1


def test_records_before_the_rows_existed_make_no_evidence(
    database: Database, tmp_path: Path, edition: CatalogueEdition
) -> None:
    """evidence_from (2022-10-16, catalogue data): a shortfall of 2022-09-01 is within the 12 months before
    2023-06-01 but before rows 79-84 existed, so it is not a fact; one of 2022-11-01 is."""
    ids = _registry(database, PROVIDER_A)
    rows = [
        [IINS[0], PROVIDER_A, "social_domestic", 10, 8, "2022-09-01"],
        [IINS[1], PROVIDER_A, "social_legal", 4, 3, "2022-11-01"],
    ]
    path = write(tmp_path / "d.csv", DELIVERY_HEADER, rows)
    rosters.import_deliveries(database, path, edition, actor=ADMIN, today=TODAY)
    roster_reports.make_evidence(database, edition, date(2023, 6, 1), actor=PLANNER)
    with database.reading() as session:
        criteria = [e.criterion for e in evidence_for_subjects(session, [ids[PROVIDER_A]])]
    assert criteria == [80]


def test_an_inspector_sees_only_the_providers_of_its_own_region(
    database: Database, tmp_path: Path, edition: CatalogueEdition, reconciled: roster_reports.Reconciliation
) -> None:
    """Provider A is registered in Astana, B in Abai: an Astana inspector's reconciliation (page, API and
    workbook all read it) holds A's records only, and B's stored report is refused to it."""
    _registry(database, PROVIDER_A)
    with database.transaction() as session:
        upsert_subjects(
            session,
            [SubjectData(PROVIDER_B, "Provider B", "abai", "", ("stationary_care",))],
            now=datetime(2024, 1, 1, tzinfo=UTC),
        )
    assert set(reconciled.by_provider) == {PROVIDER_A, PROVIDER_B}  # the administrator's view
    seen = roster_reports.reconcile(database, AS_OF, actor=INSPECTOR)
    assert set(seen.by_provider) == {PROVIDER_A}
    assert TWICE not in json.dumps(seen.to_json(reveal=True)["providers"].get(PROVIDER_B, {}))
    elsewhere = Actor("abai-inspector", Role.INSPECTOR, region="abai")
    assert set(roster_reports.reconcile(database, AS_OF, actor=elsewhere).by_provider) == {PROVIDER_B}
    _deliveries_and_findings(database, tmp_path, edition)
    roster_reports.make_evidence(database, edition, AS_OF, actor=PLANNER)
    with database.reading() as session:
        ids = subject_ids_by_bin(session, [PROVIDER_B])
        of_b = evidence_for_subjects(session, [ids[PROVIDER_B]])
    assert of_b, "B's roster discrepancies make evidence"
    with pytest.raises(PermissionDenied):
        roster_reports.report_for_evidence(database, of_b[0].reference, actor=INSPECTOR)
    assert roster_reports.report_for_evidence(database, of_b[0].reference, actor=elsewhere) is not None
