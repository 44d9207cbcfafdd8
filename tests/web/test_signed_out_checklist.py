"""A checklist filled on a phone while the session ended (its hours were over, or the inspector signed out in
another tab): "Save" no longer throws the answers away on the way to the sign-in page. In chromium at
390 px, the answers, the comment and the photo are kept on the device, the sign-in page comes, and once
signed in again the checklist comes back with them and sends them; the server holds them. Journeys in kk
and ru."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.web.support import PASSWORD, USERS
from tests.web.test_inspections_pages import record
from tests.web.test_offline import WORDS, says, sheet_now
from tests.web.test_phone_checklist import noise_photo
from tests.web.test_plans_pages import make_site, serving
from tests.web.test_stale_writes import answers_now

COMMENT = {"kk": "өрт сөндіргіш жоқ", "ru": "нет огнетушителя"}


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_answers_saved_after_the_session_ended_reach_the_server_once_signed_in(
    browser: Any, tmp_path: Path, lang: str
) -> None:
    made = make_site(tmp_path)
    inspector = USERS["inspector"].username
    try:
        inspection_id = record(made, "inspector")
        path = f"/inspections/{inspection_id}/checklist"
        with serving(made.app) as live:
            context = browser.new_context(viewport={"width": 390, "height": 844}, base_url=live)
            page = context.new_page()
            page.set_default_timeout(30_000)
            try:
                page.goto(f"/login?lang={lang}")
                page.fill("#username", inspector)
                page.fill("#password", PASSWORD)
                page.click("form.stacked button[type=submit]")
                page.wait_for_url(lambda url: "/login" not in url)
                page.goto(f"{path}?lang={lang}")
                page.check("#answer-1-compliant")
                page.check("#answer-2-non_compliant")
                page.fill("#comment-2", COMMENT[lang])
                page.click("#item-2 details.photos summary")
                photo = {"name": "IMG_0007.jpg", "mimeType": "image/jpeg", "buffer": noise_photo((800, 600))}
                page.set_input_files("#photo-2", files=[photo])
                context.clear_cookies()  # the session is over: the server no longer knows this browser

                page.click("form.checklist button[type=submit]:not([name])")
                page.wait_for_url("**/login?**")
                assert answers_now(made, inspection_id)[2] == (None, "", None)
                page.fill("#username", inspector)
                page.fill("#password", PASSWORD)
                page.click("form.stacked button[type=submit]")
                page.wait_for_url(f"**{path}?lang={lang}")
                says(page, WORDS[lang]["sent"])
                page.wait_for_selector("#offline-note-2", state="detached")  # the photo is sent too
                assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
            finally:
                context.close()
        now = answers_now(made, inspection_id)
        assert now[1] == ("compliant", "", "t-inspector")
        assert now[2] == ("non_compliant", COMMENT[lang], "t-inspector")
        items = sheet_now(made, inspection_id)["items"]
        assert [f["file_name"] for item in items for f in item["attachments"]] == ["IMG_0007.jpg"]
    finally:
        made.app.state.tekseru.close()
