"""What changed between two editions: added, removed and changed criteria, checklist items and parameters."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from tekseru.catalog.edition import CatalogueEdition


@dataclass(frozen=True)
class Change:
    kind: str  # criterion / checklist item / parameter / class bound / group
    key: str
    change: str  # added / removed / changed
    fields: tuple[str, ...] = ()

    def __str__(self) -> str:
        detail = f" ({', '.join(self.fields)})" if self.fields else ""
        return f"{self.change:8} {self.kind} {self.key}{detail}"


@dataclass(frozen=True)
class EditionDiff:
    old: str
    new: str
    changes: tuple[Change, ...] = field(default_factory=tuple)

    def of_kind(self, kind: str, change: str | None = None) -> list[Change]:
        return [c for c in self.changes if c.kind == kind and (change is None or c.change == change)]


def diff_editions(old: CatalogueEdition, new: CatalogueEdition) -> EditionDiff:
    changes = [
        *_compare("criterion", old.criteria, new.criteria),
        *_compare("checklist item", _items(old), _items(new)),
        *_compare("group", old.groups, new.groups),
        *_compare(
            "parameter",
            {p.key: p for p in old.methodology.parameters},
            {p.key: p for p in new.methodology.parameters},
        ),
        *_compare(
            "class bound",
            {b.risk_class: b for b in old.class_bounds},
            {b.risk_class: b for b in new.class_bounds},
        ),
    ]
    return EditionDiff(old=old.id, new=new.id, changes=tuple(changes))


def _items(edition: CatalogueEdition) -> dict[str, BaseModel]:
    return {
        f"{checklist.appendix}.{item.number}": item
        for checklist in edition.checklists.values()
        for item in checklist.items
    }


def _compare(kind: str, old: Mapping[Any, BaseModel], new: Mapping[Any, BaseModel]) -> list[Change]:
    keys: list[Hashable] = sorted(set(old) | set(new), key=_natural)
    changes = []
    for key in keys:
        if key not in new:
            changes.append(Change(kind, str(key), "removed"))
        elif key not in old:
            changes.append(Change(kind, str(key), "added"))
        else:
            before, after = old[key].model_dump(), new[key].model_dump()
            changed = tuple(name for name in after if before.get(name) != after[name])
            if changed:
                changes.append(Change(kind, str(key), "changed", changed))
    return changes


def _natural(key: Hashable) -> tuple[tuple[int, str], ...]:
    return tuple((int(part), "") if part.isdigit() else (0, part) for part in str(key).split("."))
