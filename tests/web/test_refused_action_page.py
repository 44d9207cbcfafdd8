"""A form's action a service refuses (approving a list approved already, from a second tab or a retried
request) was answered with the page of a bad address: "Неверный запрос · Адрес содержит недопустимое
значение" (tester finding 10). The list's page again, 409, with the service's reason (kk, ru)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.web.test_plans_pages import HALF_YEAR, Site, make_site


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    made = make_site(tmp_path_factory.mktemp("refused-action"))
    yield made
    made.app.state.tekseru.close()


@pytest.fixture(scope="module")
def approved(site: Site) -> int:
    plan: int = site.api("planner", "POST", "/plans", json={"half_year": HALF_YEAR})["id"]
    site.api("planner", "POST", f"/plans/{plan}/approve")
    return plan


@pytest.mark.parametrize(
    ("lang", "said", "not_said"),
    [("kk", "оны енді өзгертуге болмайды", "Мекенжайда"), ("ru", "уже не может меняться", "Адрес содержит")],
)
def test_approving_an_approved_list_says_it_was_not_done(
    site: Site, approved: int, lang: str, said: str, not_said: str
) -> None:
    plan = approved
    signed = site.client("planner")
    version = str(site.api("planner", "GET", f"/plans/{plan}")["version"])  # the list as it is now
    answer = signed.client.post(
        f"/plans/{plan}/approve?lang={lang}", data={"csrf_token": signed.csrf, "version": version}
    )
    assert answer.status_code == 409
    assert said in answer.text.lower() and not_said not in answer.text
