"""The region filters of the registry, the results, the lists and the users list the regions in the order
a reader looks for them: the Kazakh alphabet in Kazakh, the Russian alphabet in Russian (tester finding 2:
in Russian they came in the Kazakh order, "область Абай, Акмолинская, ..., Восточно-Казахстанская")."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tekseru.catalog_files import load_regions
from tests.web.htmltree import parse
from tests.web.test_plans_pages import Site, make_site


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    made = make_site(tmp_path_factory.mktemp("region-filters"))
    yield made
    made.app.state.tekseru.close()


@pytest.mark.parametrize("language", ["kk", "ru"])
@pytest.mark.parametrize(
    ("role", "path", "select"), [("planner", "/registry", "region"), ("admin", "/admin/users", "region")]
)
def test_region_options_are_in_reading_order(
    site: Site, language: str, role: str, path: str, select: str
) -> None:
    response = site.client(role).client.get(f"{path}?lang={language}")
    assert response.status_code == 200
    options = parse(response.text).find("select", id=select).find_all("option")
    shown = [option.attrs["value"] for option in options if option.attrs.get("value")]
    assert shown == [region.key for region in load_regions().reading_order(language)]
