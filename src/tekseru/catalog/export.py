"""The whole edition as plain JSON-ready data, for other systems and for people who audit the catalogue."""

from __future__ import annotations

from typing import Any

from tekseru.catalog.edition import CatalogueEdition


def export_edition(edition: CatalogueEdition) -> dict[str, Any]:
    meta = edition.edition
    return {
        "edition": {
            "id": meta.id,
            "effective_from": meta.effective_from.isoformat(),
            "effective_from_note": meta.effective_from_note,
            "title": meta.title.model_dump(),
            "entry_into_force": meta.entry_into_force.model_dump(),
            "acts": [act.model_dump(mode="json") for act in meta.acts],
            "unofficial_translation_notice": meta.unofficial_translation_notice.model_dump(),
        },
        "provisions": [provision.model_dump() for provision in meta.provisions],
        "information_sources": [source.model_dump() for source in meta.information_sources],
        "criteria": [
            {
                "number": c.number,
                "source_group": c.source_group,
                "severity": c.severity.value,
                "text": c.text.model_dump(),
            }
            for c in sorted(edition.criteria.values(), key=lambda c: c.number)
        ],
        "checklists": [_checklist(edition, appendix) for appendix in sorted(edition.checklists)],
        "groups": [
            {
                "key": g.key,
                "name": g.name.model_dump(),
                "checklist_appendix": g.checklist_appendix,
                "objective_high_risk": g.objective_high_risk,
                "objective_basis": g.objective_basis.model_dump(),
                "applicable_criteria": sorted(g.applicable_criteria),
                "reasoning": g.reasoning.model_dump(),
            }
            for g in edition.groups.values()
        ],
        "form": edition.form.model_dump(),
        "methodology": edition.methodology.model_dump(mode="json"),
    }


def _checklist(edition: CatalogueEdition, appendix: int) -> dict[str, Any]:
    checklist = edition.checklist(appendix)
    return {
        "appendix": checklist.appendix,
        "title": checklist.title.model_dump(),
        "subject_kind": checklist.subject_kind.model_dump(),
        # One checklist may serve several groups (Appendix 6); "group" is the first, "groups" all of them.
        "group": next((g.key for g in edition.groups_for_checklist(appendix)), None),
        "groups": [g.key for g in edition.groups_for_checklist(appendix)],
        "header_fields": list(checklist.header_fields),
        "items": [
            {"number": i.number, "criterion": i.criterion, "text": i.text.model_dump()}
            for i in checklist.items
        ],
    }
