"""Two reviewers on one remediation report: the second, on a page loaded before the first decided, is told
in the page's language that the report was decided (and by whom) and that their decision was not saved,
and sees the reason they typed again; nothing of theirs is stored."""

from __future__ import annotations

import html
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tekseru.services import portal
from tekseru.services.accounts import get_user
from tekseru.services.auth import actor_of
from tekseru.settings import Settings
from tekseru.store.portal import get_report
from tekseru.web.app import create_app
from tests.catalogue import CATALOGUE
from tests.services.inspection_data import BINS, EDITION, SYSTEM, add_subjects, inspect
from tests.web.conftest import sign_in
from tests.web.htmltree import parse
from tests.web.support import CHEAP_PASSWORDS, PASSWORD, create_user

PDF = b"%PDF-1.4\n% remedied\n"
SAID = {
    "kk": ("есебі қаралып қойған (first-reviewer); сіздің шешіміңіз сақталмады", "сақталмаған себеп"),
    "ru": ("уже рассмотрен (first-reviewer); ваше решение не сохранено", "Ваша причина (не сохранена)"),
}


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_reviewer_who_came_second_is_told_and_keeps_the_reason(tmp_path: Path, lang: str) -> None:
    settings = Settings(attachments_dir=str(tmp_path / "files")).with_database_path(tmp_path / "db.sqlite3")
    app = create_app(settings, passwords=CHEAP_PASSWORDS, catalogue=CATALOGUE)
    with TestClient(app) as client:
        db = app.state.tekseru.database()
        add_subjects(db)
        record = inspect(db, 0, non_compliant=[1])
        for name, role, bins in (("owner", "subject", [BINS[0]]), ("first-reviewer", "inspector", []),
                                 ("second-reviewer", "inspector", [])):  # fmt: skip
            region = None if bins else "astana"
            create_user(db, SYSTEM, username=name, full_name=name, role=role, bins=bins, region=region,
                        password=PASSWORD, passwords=CHEAP_PASSWORDS)  # fmt: skip
        owner = actor_of(get_user(db, SYSTEM, "owner"))
        (violation,) = portal.my_organisation(
            db, owner, settings=settings, catalogue=CATALOGUE, today=date.today()
        ).violations
        assert violation.inspection.id == record.id
        report = portal.submit_remediation(
            db, owner, violation.record.id, "done", [("a.pdf", PDF)], settings=settings
        )
        portal.review_remediation(
            db,
            actor_of(get_user(db, SYSTEM, "first-reviewer")),
            report.id,
            accept=True,
            reason="",
            today=date.today(),
        )

        csrf = sign_in(client, "second-reviewer")
        # the reviewer reads what was to be remedied (the item's requirement), not the item's number alone
        first_items = [checklist.items[0].text.in_language(lang) for checklist in EDITION.checklists.values()]
        shown = html.unescape(client.get(f"/remediation/{report.id}?lang={lang}").text)
        assert any(text in shown for text in first_items)
        answer = client.post(
            f"/remediation/{report.id}?lang={lang}",
            data={"decision": "reject", "reason": "Фото жоқ / нет фото", "csrf_token": csrf},
        )
        assert answer.status_code == 422
        alert = parse(answer.text).find(id="review-error")
        told, typed = SAID[lang]
        assert alert is not None and told in alert.text, answer.text
        assert typed in answer.text and "Фото жоқ / нет фото" in answer.text
        with db.reading() as session:
            stored = get_report(session, report.id)
        assert stored is not None and (stored.status, stored.reviewed_by) == ("accepted", "first-reviewer")
