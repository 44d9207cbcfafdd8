"""Use cases on what the information systems' data show: the reconciliation of the three rosters, and the
evidence for rows 78 to 84 of the act it and the delivery and accessibility records make, each evidence
referring to a stored report with the records behind it.

IINs are personal data: every report leaves this module with IINs masked (first six digits) unless the
actor's role is entitled to them (`ENTITLED_ROLES`) and the caller asks for them.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from tekseru.catalog import information_systems
from tekseru.catalog.edition import CatalogueEdition
from tekseru.catalog.information_systems import InformationSystems
from tekseru.documents.roster_xlsx import render_reconciliation_xlsx
from tekseru.i18n import translate
from tekseru.intake.rosters import SERVICE_FORMS, mask_iin
from tekseru.scoring.period import months_before
from tekseru.services import audit
from tekseru.services.permissions import Actor, Permission, Role
from tekseru.store import Database, EvidenceData
from tekseru.store.evidence import upsert_evidence
from tekseru.store.reconcile import KINDS as KINDS
from tekseru.store.reconcile import Discrepancy, Stay, duplicate_discrepancies, pair_discrepancies
from tekseru.store.subjects import regions_by_bin, subject_ids_by_bin
from tekseru.store.system_reports import (
    ReportData,
    add_reports,
    findings,
    shortfalls,
    stored_reports,
)
from tekseru.store.system_reports import report as stored_report

READ = Permission.READ_REGISTRY

# Roles whose work needs to know whom a record is about: administrators, and inspectors on a visit.
ENTITLED_ROLES = frozenset({Role.ADMIN, Role.INSPECTOR})
REFERENCE_PREFIX = "system-report:"


def sees_iins(actor: Actor) -> bool:
    return actor.role in ENTITLED_ROLES


@dataclass(frozen=True)
class Reconciliation:
    """The discrepancies found on `as_of`, by provider BIN and kind (full IINs: masked on the way out)."""

    as_of: date
    by_provider: Mapping[str, Mapping[str, tuple[Discrepancy, ...]]]

    def count(self, provider_bin: str, kind: str) -> int:
        return len(self.by_provider.get(provider_bin, {}).get(kind, ()))

    def to_json(self, *, reveal: bool = False) -> dict[str, Any]:
        """The report as the issue's JSON: for each provider BIN a count under each kind's key, and the
        records behind each under `records`."""
        show = (lambda iin: iin) if reveal else mask_iin
        providers: dict[str, Any] = {}
        for bin, kinds in sorted(self.by_provider.items()):
            entry: dict[str, Any] = {kind: len(kinds.get(kind, ())) for kind in KINDS}
            entry["records"] = {
                kind: [discrepancy_json(item, show) for item in kinds.get(kind, ())] for kind in KINDS
            }
            providers[bin] = entry
        return {"as_of": self.as_of.isoformat(), "providers": providers}


def discrepancy_json(item: Discrepancy, show: Any = mask_iin) -> dict[str, Any]:
    record: dict[str, Any] = {"iin": show(item.iin)}
    if item.other_bin is not None:
        record["other_provider_bin"] = item.other_bin
    else:
        for name in ("provider", "esobes", "portal"):
            record[name] = _stay_json(getattr(item, name))
    return record


def _stay_json(stay: Stay | None) -> dict[str, str | None] | None:
    if stay is None:
        return None
    end = stay.ends_on.isoformat() if stay.ends_on else None
    return {"form": stay.form, "start_date": stay.starts_on.isoformat(), "end_date": end}


def reconcile(db: Database, as_of: date, *, actor: Actor) -> Reconciliation:
    """Reconcile the three rosters by IIN for every provider on `as_of` (the database does the joins); an
    actor bound to one region sees only the providers registered in it, as with the providers' cards."""
    actor.require(Permission.READ_REGISTRY)
    with db.reading() as session:
        connection = session.connection()
        found: dict[str, dict[str, list[Discrepancy]]] = defaultdict(lambda: defaultdict(list))
        for item in pair_discrepancies(connection, as_of):
            for kind in item.kinds:
                found[item.provider_bin][kind].append(item)
        for item in duplicate_discrepancies(connection, as_of):
            found[item.provider_bin][item.kinds[0]].append(item)
        if actor.region_scope is not None:
            regions = regions_by_bin(session, found)
            found = {bin: kinds for bin, kinds in found.items() if actor.can(READ, regions.get(bin, ""))}
    return Reconciliation(
        as_of,
        {bin: {kind: tuple(items) for kind, items in kinds.items()} for bin, kinds in found.items()},
    )


@dataclass
class EvidenceOutcome:
    """What `make_evidence` did: reports stored (new) or found again, evidence created or already there,
    and the providers that have facts but are not in the registry (no evidence without a subject)."""

    reports_created: int = 0
    reports_found: int = 0
    evidence_created: int = 0
    evidence_unchanged: int = 0
    below_threshold: int = 0
    not_in_registry: list[str] = field(default_factory=list)
    report_ids: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Section:
    kind: str
    criterion: int
    provider_bin: str
    records: dict[str, Any]
    facts: int

    @property
    def id(self) -> str:
        body = json.dumps([self.kind, self.criterion, self.provider_bin, self.records], sort_keys=True)
        return hashlib.sha256(body.encode()).hexdigest()[:32]


def make_evidence(
    db: Database, edition: CatalogueEdition, as_of: date, *, actor: Actor, now: datetime | None = None
) -> EvidenceOutcome:
    """Turn what the information systems' data show on `as_of` into evidence for rows 78 to 84: one
    stored report per provider and row whose facts reach the row's threshold, and one piece of evidence
    referring to it. A report is known by a hash of its content, and evidence by its report, so running
    this again on the same data adds nothing."""
    actor.require(Permission.IMPORT)
    actor.require(Permission.WRITE_EVIDENCE)
    stamp = now or datetime.now(UTC)
    rules = information_systems.of_edition(edition)
    outcome = EvidenceOutcome()
    first = max(rules.evidence_from, months_before(as_of, int(edition.value("lookback_months"))))
    if as_of < rules.evidence_from:
        return outcome
    sections = _roster_sections(reconcile(db, as_of, actor=actor), rules)
    with db.transaction() as session:
        connection = session.connection()
        sections += _fulfilment_sections(shortfalls(connection, first, as_of), rules)
        sections += _accessibility_sections(findings(connection, first, as_of), rules)
        outcome.below_threshold = sum(1 for s in sections if s.facts < _threshold(rules, s.kind))
        sections = [s for s in sections if s.facts >= _threshold(rules, s.kind)]
        subjects = subject_ids_by_bin(session, {s.provider_bin for s in sections})
        outcome.not_in_registry = sorted({s.provider_bin for s in sections if s.provider_bin not in subjects})
        sections = [s for s in sections if s.provider_bin in subjects]
        stored = stored_reports(session, [s.id for s in sections])
        new = [_report(s, as_of, stamp, actor) for s in sections if s.id not in stored]
        add_reports(session, new)
        reports = {**stored, **{r.id: r for r in new}}
        evidence = [
            EvidenceData(
                subject_id=subjects[s.provider_bin],
                criterion=s.criterion,
                source_group=edition.criterion(s.criterion).source_group,
                observed_on=reports[s.id].as_of,
                reference=REFERENCE_PREFIX + s.id,
                confirmed=None,
                origin=f"rosters evidence {as_of.isoformat()}",
            )
            for s in sections
        ]
        counts = upsert_evidence(session, evidence, entered_by=actor.username, entered_at=stamp)
        outcome.reports_created, outcome.reports_found = len(new), len(stored)
        outcome.evidence_created, outcome.evidence_unchanged = counts.created, counts.unchanged
        outcome.report_ids = sorted(s.id for s in sections)
        after = {
            "as_of": as_of.isoformat(),
            "reports_created": outcome.reports_created,
            "evidence_created": outcome.evidence_created,
            "evidence_unchanged": outcome.evidence_unchanged,
        }
        audit.record(
            session, actor, "rosters.evidence", "evidence", as_of.isoformat(), after=after, now=stamp
        )
    return outcome


def _threshold(rules: InformationSystems, kind: str) -> int:
    key = {
        "reconciliation": "roster_discrepancies",
        "fulfilment": "non_fulfilment_facts",
        "accessibility": "accessibility_findings",
    }[kind]
    return rules.count(key)


def _report(section: _Section, as_of: date, now: datetime, actor: Actor) -> ReportData:
    return ReportData(
        id=section.id,
        kind=section.kind,
        criterion=section.criterion,
        provider_bin=section.provider_bin,
        as_of=as_of,
        facts=section.facts,
        records=section.records,
        created_at=now,
        created_by=actor.username,
    )


def _roster_sections(reconciliation: Reconciliation, rules: InformationSystems) -> list[_Section]:
    sections = []
    for bin, kinds in sorted(reconciliation.by_provider.items()):
        records = {
            kind: [discrepancy_json(item, str) for item in kinds.get(kind, ())]
            for kind in KINDS
            if kinds.get(kind)
        }
        facts = sum(len(items) for items in records.values())
        sections.append(_Section("reconciliation", rules.roster_criterion, bin, records, facts))
    return sections


def _fulfilment_sections(found: Iterable[Any], rules: InformationSystems) -> list[_Section]:
    grouped: dict[tuple[str, int], list[dict[str, Any]]] = defaultdict(list)
    for item in found:
        criterion = rules.criterion_of("service", item.kind) or rules.criterion_of(
            "rehabilitation", item.kind
        )
        if criterion is None:  # a kind an older edition knew; the edition in force has no row for it
            continue
        grouped[(item.provider_bin, criterion)].append(
            {
                "iin": item.iin,
                "kind": item.kind,
                "planned": item.planned,
                "delivered": item.delivered,
                "date": item.delivered_on.isoformat(),
            }
        )
    return [
        _Section("fulfilment", criterion, bin, {"shortfalls": items}, len(items))
        for (bin, criterion), items in sorted(grouped.items())
    ]


def _accessibility_sections(found: Iterable[Any], rules: InformationSystems) -> list[_Section]:
    grouped: dict[tuple[str, int], list[dict[str, Any]]] = defaultdict(list)
    for item in found:
        criterion = rules.criterion_of("accessibility", item.element)
        if criterion is None:
            continue
        grouped[(item.subject_bin, criterion)].append(
            {"object": item.object, "element": item.element, "found_on": item.found_on.isoformat()}
        )
    return [
        _Section("accessibility", criterion, bin, {"findings": items}, len(items))
        for (bin, criterion), items in sorted(grouped.items())
    ]


def report_for_evidence(db: Database, reference: str, *, actor: Actor) -> dict[str, Any] | None:
    """The stored report a piece of evidence refers to, its IINs masked unless the actor is entitled."""
    actor.require(Permission.READ_REGISTRY)
    if not reference.startswith(REFERENCE_PREFIX):
        return None
    with db.reading() as session:
        found = stored_report(session, reference.removeprefix(REFERENCE_PREFIX))
        region = (
            None if found is None else regions_by_bin(session, [found.provider_bin]).get(found.provider_bin)
        )
    if found is None:
        return None
    actor.require(READ, region or "")  # a provider outside the registry: no region, none of its own
    return {
        "id": found.id,
        "kind": found.kind,
        "criterion": found.criterion,
        "provider_bin": found.provider_bin,
        "as_of": found.as_of.isoformat(),
        "facts": found.facts,
        "records": _mask_records(found.records, reveal=sees_iins(actor)),
        "created_at": found.created_at.isoformat(),
        "created_by": found.created_by,
    }


def _mask_records(value: Any, *, reveal: bool) -> Any:
    if reveal:
        return value
    if isinstance(value, dict):
        return {
            k: (mask_iin(v) if k == "iin" and isinstance(v, str) else _mask_records(v, reveal=False))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_mask_records(item, reveal=False) for item in value]
    return value


KIND_WORDS = {kind: f"rosters.kind.{kind}" for kind in KINDS}
_XLSX_WORDS = {
    "title": "rosters.title",
    "summary": "rosters.sheet.summary",
    "records": "rosters.sheet.records",
    "bin": "rosters.column.bin",
    "kind": "rosters.column.kind",
    "iin": "rosters.column.iin",
    "other_bin": "rosters.column.other_bin",
    "form": "rosters.column.form",
    "start": "rosters.column.start",
    "end": "rosters.column.end",
    "provider": "rosters.source.provider",
    "esobes": "rosters.source.esobes",
    "portal": "rosters.source.portal",
}


def reconciliation_xlsx(report: Mapping[str, Any], language: str) -> bytes:
    """The reconciliation's JSON (as `Reconciliation.to_json` gives it) as an XLSX workbook in `language`."""
    forms = {f"form.{form}": f"lang13.roster.kind.{form}" for form in SERVICE_FORMS}
    words = {name: translate(language, key) for name, key in (_XLSX_WORDS | KIND_WORDS | forms).items()}
    return render_reconciliation_xlsx(report, kinds=KINDS, words=words)
