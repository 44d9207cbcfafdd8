"""A text field of a megabyte in a web form (issue 12): the checklist (multipart), evidence on a subject's
card (urlencoded), the import form (multipart with a file) and the API's import: each answers 413 naming
the field and the limit in the reader's language, stores nothing, and a page shows the form again with
everything else the user sent, which, the field shortened, is then saved."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tekseru.http.forms import FIELD_LIMIT
from tests.web.htmltree import parse
from tests.web.support import OWN_BIN
from tests.web.test_inspections_pages import record
from tests.web.test_plans_pages import Site, make_site
from tests.web.test_stale_writes import answers_now, load_form

MEGABYTE = "я" * 1_000_000  # two bytes each in UTF-8: 2 MB, over Starlette's own 1 MiB
LABEL = {
    "kk": ("3-тармаққа түсініктеме", "Форма сақталмады"),
    "ru": ("комментарий к пункту 3", "Форма не сохранена"),
    "en": ("comment on item 3", "The form was not saved"),
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    made = make_site(tmp_path_factory.mktemp("form-limits"))
    yield made
    made.app.state.tekseru.close()


def kept_form(html: str) -> tuple[dict[str, str], str]:
    """The fields of the form shown again (hidden inputs and the textarea), and its action."""
    form = parse(html).find("form", class_="kept-form")
    fields: dict[str, str] = {}
    for element in form.iter():
        name = element.attrs.get("name")
        if name and element.tag == "textarea":
            fields[name] = element.text
        elif name and element.tag == "input" and element.attrs.get("type") == "hidden":
            fields[name] = element.attrs.get("value", "")
    return fields, form.attrs["action"]


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_a_megabyte_comment_on_the_checklist_is_named_and_the_rest_kept(site: Site, lang: str) -> None:
    inspection_id = record(site, "inspector")
    inspector = site.client("inspector")
    inspector.client.cookies.set("tekseru_lang", lang)
    path = f"/inspections/{inspection_id}/checklist"
    fields = load_form(inspector, path)
    fields |= {"answer-1": "compliant", "comment-1": "журнал жоқ", "answer-2": "non_compliant"}
    fields |= {"answer-3": "not_required", "comment-3": MEGABYTE, "csrf_token": inspector.csrf}
    before = answers_now(site, inspection_id)

    refused = inspector.client.post(path, files={"none": ("", b"")}, data=fields, follow_redirects=False)

    assert refused.status_code == 413, refused.text[:300]
    label, title = LABEL[lang]
    assert title in refused.text and label in refused.text and str(FIELD_LIMIT) in refused.text
    assert answers_now(site, inspection_id) == before  # nothing stored
    kept, action = kept_form(refused.text)
    assert action == path
    assert (kept["answer-1"], kept["comment-1"], kept["answer-2"]) == (
        "compliant",
        "журнал жоқ",
        "non_compliant",
    )
    assert kept["comment-3"] == MEGABYTE[:FIELD_LIMIT]  # cut to the limit, for the user to shorten
    assert kept["csrf_token"] == inspector.csrf

    kept["comment-3"] = "қысқа"
    again = inspector.client.post(action, data=kept, follow_redirects=False)
    assert again.status_code == 303, parse(again.text).find("main").text[:1500]
    now = answers_now(site, inspection_id)
    assert now[1][:2] == ("compliant", "журнал жоқ")
    assert now[2][0] == "non_compliant"
    assert now[3][1] == "қысқа"


def test_a_megabyte_reference_of_evidence_urlencoded(site: Site) -> None:
    planner = site.client("planner")
    path = f"/registry/{OWN_BIN}/evidence?lang=ru"
    data = {"criterion": "1", "observed_on": "2024-03-01", "reference": "№" * 1_200_000, "confirmed": "yes"}
    refused = planner.post_form(path, data)
    assert refused.status_code == 413
    assert "«реквизиты документа»" in refused.text and str(FIELD_LIMIT) in refused.text
    kept, action = kept_form(refused.text)
    assert action == path
    assert (kept["criterion"], kept["observed_on"], kept["confirmed"]) == ("1", "2024-03-01", "yes")


def test_the_import_form_asks_for_its_file_again(site: Site) -> None:
    planner = site.client("planner")
    data = {"kind": "import_subjects", "skip_invalid": "x" * (FIELD_LIMIT + 1), "csrf_token": planner.csrf}
    refused = planner.client.post(
        "/imports?lang=kk", data=data, files={"file": ("subjects.csv", b"bin\n")}, follow_redirects=False
    )
    assert refused.status_code == 413
    page = parse(refused.text)
    form = page.find("form", class_="kept-form")
    assert form.attrs["enctype"] == "multipart/form-data"
    chosen = [e for e in form.iter() if e.tag == "input" and e.attrs.get("type") == "file"]
    assert [e.attrs["name"] for e in chosen] == ["file"]
    assert "subjects.csv" in refused.text
    assert kept_form(refused.text)[0]["kind"] == "import_subjects"


def test_the_api_names_the_field_and_the_limit(site: Site, tmp_path: Path) -> None:
    planner = site.client("planner")
    answer = planner.client.post(
        "/api/v1/imports",
        headers={"X-CSRF-Token": planner.csrf, "Accept-Language": "ru"},
        data={"kind": "import_subjects", "sheet": MEGABYTE},
        files={"file": ("subjects.csv", b"bin\n")},
    )
    assert answer.status_code == 413
    assert answer.headers["content-language"] == "ru"
    body = answer.json()
    assert (body["field"], body["limit"]) == ("sheet", FIELD_LIMIT)
    assert "«sheet»" in body["detail"] and "Ничего не сохранено" in body["detail"]
    assert planner.client.get("/api/v1/jobs").json() == []  # no import started


def test_a_long_field_under_the_limit_reaches_the_page_as_before(site: Site) -> None:
    """Under the form limit the page's own rule speaks (a comment takes 2000 characters), as before."""
    inspection_id = record(site, "inspector")
    inspector = site.client("inspector")
    path = f"/inspections/{inspection_id}/checklist?lang=ru"
    fields = load_form(inspector, f"/inspections/{inspection_id}/checklist") | {"comment-1": "ж" * 5000}
    answer = inspector.post_form(path, fields)
    assert answer.status_code in (400, 422), answer.status_code
    assert "2000" in answer.text
