"""Pages take today's date in the `time_zone` setting's zone: at 23:30 UTC the assessment form offered
yesterday's date in Almaty, beside moments shown as 04:30 of today (tester finding 4)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from tests.web.htmltree import parse
from tests.web.test_plans_pages import Site, make_site


def _late_evening_utc() -> datetime:
    """23:30 UTC of today: already tomorrow (04:30) in Almaty."""
    real = datetime.now(UTC)
    return datetime(real.year, real.month, real.day, 23, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    made = make_site(tmp_path_factory.mktemp("today-in-zone"))
    yield made
    made.app.state.tekseru.close()


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_assessment_form_offers_today_in_almaty(
    site: Site, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    monkeypatch.setattr(site.app.state.tekseru, "clock", _late_evening_utc)
    response = site.client("planner").client.get(f"/assessments?lang={lang}")
    assert response.status_code == 200
    offered = parse(response.text).find("input", id="as_of").attrs["value"]
    assert offered == (datetime.now(UTC).date() + timedelta(days=1)).isoformat()
