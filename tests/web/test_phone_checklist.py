"""The checklist on a phone (issue 15), in Debian's chromium: on a 390 x 844 screen the first item and its
three answers are visible without scrolling, in kk and in ru (with the translation notice still shown);
the navigation opens from a menu button that says whether it is open and works with the keyboard; the
notice, once hidden, stays hidden for the user in a new session; a photo taken on the phone is made smaller
before it is sent and loses where it was taken; axe finds nothing on the checklist at 390 px and at desktop
width.

The module works on its own database (tests.web.test_plans_pages.make_site)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import ExifTags, Image

from tests.web.support import OWN_BIN, USERS, with_lang
from tests.web.test_plans_pages import Site, browser_page, make_site, serving

pytestmark = pytest.mark.browser

# The bottom of the first item's three answers, the top of its text, and how far the page is scrolled.
FIRST_ITEM = """() => {
    const taps = document.querySelector('#item-1 .taps').getBoundingClientRect();
    const legend = document.querySelector('#item-1 legend').getBoundingClientRect();
    return {bottom: taps.bottom, top: legend.top, height: window.innerHeight, scrolled: window.scrollY};
}"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    made = make_site(tmp_path_factory.mktemp("phone-checklist"))
    yield made
    made.app.state.tekseru.close()


@pytest.fixture(scope="module")
def live(site: Site) -> Iterator[str]:
    with serving(site.app) as url:
        yield url


def record(site: Site) -> int:
    header = {"bin": OWN_BIN, "kind": "preventive_control", "act_number": "7-ПК", "act_date": "2024-07-01"}
    return int(
        site.api("planner", "POST", "/inspections", json={**header, "inspectors": ["Асқаров А."]})["id"]
    )


@pytest.fixture(scope="module")
def draft(site: Site) -> int:
    """A draft with a photo on item 2 and item 3 marked "required" alone (flagged on the item)."""
    inspection_id = record(site)
    files = {"file": ("photo.jpg", noise_photo((80, 60)), "image/jpeg")}
    site.api("planner", "POST", f"/inspections/{inspection_id}/attachments", files=files, data={"item": "2"})
    body = {"answers": [{"item": 3, "answer": "required"}, {"item": 4, "answer": "non_compliant"}]}
    site.api("planner", "POST", f"/inspections/{inspection_id}/answers", json=body)
    return inspection_id


def noise_photo(size: tuple[int, int], *, gps: bool = True) -> bytes:
    """A JPEG of noise (which compresses badly, as a real photo does) taken in Astana, by its EXIF."""
    exif = Image.Exif()
    exif[0x010F] = "TestCam"
    if gps:
        exif[ExifTags.IFD.GPSInfo] = {1: "N", 2: (51.0, 10.0, 0.0), 3: "E", 4: (71.0, 26.0, 0.0)}
    out = io.BytesIO()
    Image.effect_noise(size, 80).convert("RGB").save(out, format="JPEG", quality=92, exif=exif.tobytes())
    return out.getvalue()


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_first_item_is_visible_without_scrolling_at_390_px(
    browser: Any, live: str, draft: int, lang: str
) -> None:
    with browser_page(browser, live, 390, 844, USERS["inspector"].username) as tab:
        tab.open(f"/inspections/{draft}/checklist?lang={lang}")
        page = tab.page
        assert page.is_visible("#unofficial-notice") == (lang == "ru")  # not hidden yet by this user
        assert page.is_visible(".menu-button") and not page.is_visible("#site-nav")
        first = page.evaluate(FIRST_ITEM)
        assert first["scrolled"] == 0 and first["top"] >= 0
        assert first["bottom"] <= first["height"], first
        for answer in ("compliant", "non_compliant", "not_required"):
            box = page.locator(f"label[for=answer-1-{answer}]").bounding_box()
            assert box is not None and box["height"] >= 44 and box["y"] + box["height"] <= 844
        assert tab.network.console_errors == [] and tab.network.outside == []


def test_the_menu_button_opens_the_navigation_with_the_keyboard(browser: Any, live: str, draft: int) -> None:
    with browser_page(browser, live, 390, 844, USERS["inspector"].username) as tab:
        tab.open(f"/inspections/{draft}/checklist?lang=kk")
        page = tab.page
        button = page.locator(".menu-button")
        for _ in range(5):
            page.keyboard.press("Tab")
            if page.evaluate("() => document.activeElement.classList.contains('menu-button')"):
                break
        assert button.get_attribute("aria-expanded") == "false" and button.text_content() == "Мәзір"
        page.keyboard.press("Enter")
        assert button.get_attribute("aria-expanded") == "true"
        assert page.is_visible("#site-nav") and page.is_visible("#site-tools a[hreflang=ru]")
        page.keyboard.press("Tab")  # into the menu: the first language
        assert page.evaluate("() => document.activeElement.closest('#site-tools') !== null")
        page.keyboard.press("Escape")
        assert button.get_attribute("aria-expanded") == "false" and not page.is_visible("#site-nav")
        assert page.evaluate("() => document.activeElement.classList.contains('menu-button')")
    with browser_page(browser, live, 1280, 900, USERS["inspector"].username) as tab:
        tab.open(f"/inspections/{draft}/checklist?lang=kk")
        assert not tab.page.is_visible(".menu-button") and tab.page.is_visible("#site-nav")


def test_the_translation_notice_once_hidden_stays_hidden_for_the_user(
    browser: Any, live: str, draft: int
) -> None:
    path = f"/inspections/{draft}/checklist?lang=ru"
    with browser_page(browser, live, 390, 844, USERS["planner"].username) as tab:
        tab.open(path)
        assert tab.page.text_content("#hide-notice") == "Скрыть это уведомление"
        tab.page.click("#hide-notice")
        tab.page.wait_for_selector("#unofficial-notice", state="detached")
        tab.open(path)
        assert tab.page.locator("#unofficial-notice").count() == 0
    with browser_page(browser, live, 1280, 900, USERS["planner"].username) as tab:  # a new session
        tab.open("/inspections?lang=ru")
        assert tab.page.locator("#unofficial-notice").count() == 0
    with browser_page(browser, live, 1280, 900, USERS["viewer"].username) as tab:  # another user
        tab.open("/inspections?lang=ru")
        assert tab.page.is_visible("#unofficial-notice")
    with browser_page(browser, live, 1280, 900, USERS["planner"].username) as tab:  # shown again
        tab.open("/account?lang=ru")
        with tab.page.expect_navigation():
            tab.page.click("#show-notice button")
        assert tab.page.is_visible("#unofficial-notice") and tab.page.locator("#show-notice").count() == 0


def test_incomplete_items_are_flagged_on_the_item_in_the_readers_language(
    browser: Any, live: str, draft: int
) -> None:
    with browser_page(browser, live, 390, 844, USERS["inspector"].username) as tab:
        tab.open(f"/inspections/{draft}/checklist?lang=ru")
        page = tab.page
        assert page.text_content("#flag-3") == (
            "Отмечено только «Требуется»: выберите «Соответствует», «Не соответствует» или «Не применимо»."
        )
        assert page.text_content("#flag-4") == "Кратко опишите нарушение."
        assert page.is_visible("#deadline-4") and not page.is_visible("#deadline-1")
        page.click("label[for=answer-1-non_compliant]")
        assert page.is_visible("#deadline-1") and page.is_visible("#ask-1")
        with page.expect_navigation():
            page.click("button[name=then]")
        assert "check=yes" in page.url and page.is_visible("#incomplete")
        assert page.text_content("#flag-2") == "Нет ответа: выберите один из трёх ответов."
        assert page.evaluate("() => document.activeElement.tagName") in ("BODY", "MAIN", "FIELDSET")


def test_a_photo_taken_on_the_phone_is_made_smaller_and_loses_its_location(
    browser: Any, live: str, site: Site
) -> None:
    inspection_id = record(site)
    taken = noise_photo((2000, 1500))
    with browser_page(browser, live, 390, 844, USERS["inspector"].username) as tab:
        tab.open(f"/inspections/{inspection_id}/checklist?lang=kk")
        page = tab.page
        page.click("#item-1 details.photos summary")
        assert page.get_attribute("#photo-1", "capture") == "environment"
        page.set_input_files(
            "#photo-1", files=[{"name": "IMG_0001.jpg", "mimeType": "image/jpeg", "buffer": taken}]
        )
        page.wait_for_function("() => !document.querySelector('#photo-1').hasAttribute('aria-busy')")
        page.click("label[for=answer-1-compliant]")
        with page.expect_navigation():
            page.click("#checklist-form button:not([name])")
        assert page.url.endswith("?done=saved")
        thumb = page.locator("#item-1 ul.thumbnails img")
        assert thumb.get_attribute("alt") == "IMG_0001.jpg"
        page.wait_for_function("() => document.querySelector('#item-1 ul.thumbnails img').naturalWidth > 0")
    sheet = site.api("inspector", "GET", f"/inspections/{inspection_id}")
    files = sheet["items"][0]["attachments"]
    assert len(files) == 1 and files[0]["size"] < len(taken) // 2
    kept = Path(site.folder, "files", "inspections", files[0]["sha256"][:2], files[0]["sha256"]).read_bytes()
    with Image.open(io.BytesIO(kept)) as image:
        assert max(image.size) == 1600 and ExifTags.IFD.GPSInfo not in image.getexif()
    assert sheet["items"][0]["answer"]["answer"] == "compliant"


@pytest.mark.parametrize(("width", "height", "lang"), [(390, 844, "kk"), (1280, 900, "ru")])
def test_axe_finds_nothing_on_the_checklist(
    browser: Any, live: str, draft: int, width: int, height: int, lang: str
) -> None:
    from tests.web.test_accessibility import scan

    with browser_page(browser, live, width, height, USERS["inspector"].username) as tab:
        violations = scan(tab, with_lang(f"/inspections/{draft}/checklist", lang))
        assert [(v["id"], v["impact"]) for v in violations] == []
        tab.page.click("label[for=answer-1-non_compliant]")
        tab.page.click("#item-1 details.photos summary")
        from tests.web.test_accessibility import AXE

        found = AXE.run(tab.page).response["violations"]
        assert [(v["id"], v["impact"]) for v in found] == []


# Every word of the answer buttons of item 1 that the browser broke across lines ("Сәйке|с").
BROKEN_WORDS = """() => {
    const broken = [];
    for (const label of document.querySelectorAll('#item-1 .taps label')) {
        const walker = document.createTreeWalker(label, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const pattern = /\\S+/g;
            for (let found = pattern.exec(node.data); found; found = pattern.exec(node.data)) {
                const range = document.createRange();
                range.setStart(node, found.index);
                range.setEnd(node, found.index + found[0].length);
                const lines = new Set([...range.getClientRects()].map((rect) => Math.round(rect.top)));
                if (lines.size > 1) broken.push(found[0]);
            }
        }
    }
    return broken;
}"""


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_answer_buttons_keep_their_words_whole_at_390_px(
    browser: Any, live: str, draft: int, lang: str
) -> None:
    """ "Сәйке|с", "Соотв|етству|ет" and "Қолда|нылма|йды" were broken in the middle on a phone (tester
    finding 1): a button too narrow for its word goes to the next row instead."""
    with browser_page(browser, live, 390, 844, USERS["inspector"].username) as tab:
        tab.open(f"/inspections/{draft}/checklist?lang={lang}")
        assert tab.page.evaluate(BROKEN_WORDS) == []
        assert tab.page.evaluate("document.documentElement.scrollWidth") <= 390
