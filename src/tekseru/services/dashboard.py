"""The dashboard: subjects by region and class in the latest finished assessment, the criteria most often
counted as violated, and the classes over the latest runs. An inspector sees its own region only."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from tekseru.services.permissions import Actor, Permission
from tekseru.store import AssessmentRun, Database
from tekseru.store.assessments import list_runs
from tekseru.store.registry_queries import (
    CLASSES,
    classes_by_region,
    subjects_by_region,
    violated_criteria,
)


@dataclass(frozen=True)
class RegionFigure:
    region: str
    total: int
    by_class: dict[str, int]  # low, medium, high

    @property
    def not_assessed(self) -> int:
        return self.total - sum(self.by_class.values())


@dataclass(frozen=True)
class TrendPoint:
    run: AssessmentRun
    by_class: dict[str, int]


@dataclass(frozen=True)
class Dashboard:
    run: AssessmentRun | None
    region_scope: str | None
    regions: list[RegionFigure]
    top_criteria: list[tuple[int, int]]  # (criterion, number of subjects), most first
    trend: list[TrendPoint]  # oldest first

    @property
    def total(self) -> int:
        return sum(region.total for region in self.regions)

    @property
    def by_class(self) -> dict[str, int]:
        return {name: sum(r.by_class.get(name, 0) for r in self.regions) for name in CLASSES}

    @property
    def not_assessed(self) -> int:
        return sum(region.not_assessed for region in self.regions)


class _RunCache:
    """Figures of finished runs, which never change, kept per (figure, run, region)."""

    def __init__(self, size: int = 256) -> None:
        self._size, self._items, self._lock = size, dict[tuple[Any, ...], Any](), threading.Lock()

    def get(self, key: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._items:
                return self._items[key]
        value = compute()
        with self._lock:
            if len(self._items) >= self._size:
                self._items.pop(next(iter(self._items)))
            self._items[key] = value
        return value


_cache = _RunCache()


def dashboard(db: Database, actor: Actor, *, trend_runs: int = 8, top: int = 10) -> Dashboard:
    """Subjects by region and class in the latest finished run, the criteria most often counted as
    violated in it, and the classes over the latest `trend_runs` finished runs."""
    scope = actor.scoped_region(Permission.READ_REGISTRY)
    with db.reading() as session:
        finished = [r for r in list_runs(session, limit=4 * trend_runs) if r.status == "finished"]
        latest = finished[0] if finished else None
        totals = subjects_by_region(session, region=scope)
        classes = _classes(session, latest, scope)
        violated: Counter[int] = Counter() if latest is None else _violated(session, latest, scope)
        trend = [TrendPoint(r, _class_totals(_classes(session, r, scope))) for r in finished[:trend_runs]]
    regions = [
        RegionFigure(key, total, {name: classes.get((key, name), 0) for name in CLASSES})
        for key, total in totals.items()
    ]
    return Dashboard(latest, actor.region_scope, regions, violated.most_common(top), trend[::-1])


def _classes(session: Session, run: AssessmentRun | None, scope: str | None) -> dict[tuple[str, str], int]:
    if run is None:
        return {}
    figures: dict[tuple[str, str], int] = _cache.get(
        ("classes", run.id, scope), lambda: classes_by_region(session, run.id, region=scope)
    )
    return figures


def _violated(session: Session, run: AssessmentRun, scope: str | None) -> Counter[int]:
    counts: Counter[int] = _cache.get(
        ("criteria", run.id, scope), lambda: violated_criteria(session, run.id, region=scope)
    )
    return counts


def _class_totals(classes: dict[tuple[str, str], int]) -> dict[str, int]:
    return {name: sum(count for (_, c), count in classes.items() if c == name) for name in CLASSES}
