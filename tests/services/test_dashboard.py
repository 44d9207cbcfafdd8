"""The dashboard's figures: by region and class, the most violated criteria, the trend; an inspector sees
its own region only. On SQLite and on PostgreSQL."""

from __future__ import annotations

import uuid

from tekseru.services.dashboard import dashboard
from tekseru.services.permissions import Actor, Role
from tekseru.store import Database
from tests.web.support import OTHER_REGION, OWN_REGION

VIEWER = Actor("t-viewer", Role.VIEWER)
INSPECTOR = Actor("t-inspector", Role.INSPECTOR, OWN_REGION)


def test_the_dashboard(database: Database, seeded: uuid.UUID) -> None:
    figures = dashboard(database, VIEWER)
    assert figures.run is not None and figures.total == 6 and figures.not_assessed == 0
    assert figures.by_class == {"low": 3, "medium": 1, "high": 2}
    assert {r.region: r.total for r in figures.regions} == {OWN_REGION: 3, OTHER_REGION: 2, "shymkent": 1}
    assert figures.top_criteria and figures.top_criteria[0][1] >= 1
    assert [point.by_class for point in figures.trend] == [{"low": 3, "medium": 1, "high": 2}]
    own = dashboard(database, INSPECTOR)
    assert own.region_scope == OWN_REGION and [r.region for r in own.regions] == [OWN_REGION]
    assert own.by_class == {"low": 1, "medium": 1, "high": 1}


def test_the_dashboard_before_any_assessment(database: Database) -> None:
    figures = dashboard(database, VIEWER)
    assert (figures.run, figures.total, figures.top_criteria, figures.trend) == (None, 0, [], [])
