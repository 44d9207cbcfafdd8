"""/api/v1/inspections, /api/v1/checklists and /api/v1/documents: record, answer, attach, complete, revise,
follow up, print and verify, and who may do each: an inspector works in OWN_REGION only.

The seeded subjects of the stationary-care group are checked with Appendix 3 (20 items, each linked to a
criterion: item 5 to criterion 7, a gross one); those of home care with Appendix 4."""

from __future__ import annotations

import io
import itertools
import re
from collections.abc import Callable
from typing import Any

import pytest
from docx import Document

from tests.api.conftest import Session
from tests.web.support import BINS, OTHER_BIN, OTHER_REGION, OWN_BIN, OWN_REGION

API = "/api/v1"
ITEMS = 20  # Appendix 3
PNG = b"\x89PNG\r\n\x1a\n" + bytes(32)
_acts = itertools.count(1)


def create(session: Session, bin: str = OWN_BIN, **body: Any) -> Any:
    header = {
        "bin": bin,
        "kind": "preventive_control",
        "act_number": f"{next(_acts)}-ПК",
        "act_date": "2024-07-01",
        "inspectors": ["Асқаров А."],
    }
    return session.send("POST", f"{API}/inspections", json={**header, **body})


def new_id(session: Session, bin: str = OWN_BIN, **body: Any) -> int:
    response = create(session, bin, **body)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def answers(overrides: dict[int, str] | None = None, count: int = ITEMS) -> dict[str, Any]:
    given = {number: "compliant" for number in range(1, count + 1)} | (overrides or {})
    return {"answers": [{"item": item, "answer": answer} for item, answer in given.items()]}


def completed(session: Session, bin: str = OWN_BIN, overrides: dict[int, str] | None = None) -> int:
    inspection_id = new_id(session, bin)
    assert (
        session.send(
            "POST", f"{API}/inspections/{inspection_id}/answers", json=answers(overrides)
        ).status_code
        == 200
    )
    done = session.send(
        "POST", f"{API}/inspections/{inspection_id}/complete", json={"inspected_on": "2024-07-05"}
    )
    assert done.status_code == 200, done.text
    return inspection_id


def test_record_a_draft(as_role: Callable[[str], Session]) -> None:
    response = create(as_role("inspector"), planned_on="2024-07-10", inspectors=["Асқаров А.", "Петрова Е."])
    assert response.status_code == 201
    record = response.json()
    assert (record["status"], record["appendix"], record["group_keys"]) == ("draft", 3, ["stationary_care"])
    assert (record["revision"], record["series_id"], record["created_by"]) == (1, record["id"], "t-inspector")
    assert record["inspectors"] == ["Асқаров А.", "Петрова Е."] and record["planned_on"] == "2024-07-10"


@pytest.mark.parametrize(
    ("body", "status", "detail"),
    [
        ({"bin": BINS[5][:-1] + "0"}, 404, "тізілімде БСН"),
        ({"kind": "visit"}, 422, None),
        ({"inspectors": []}, 422, None),
        ({"inspectors": [" "]}, 422, "кемінде бір инспекторды көрсетіңіз"),
        ({"bin": OWN_BIN, "appendix": 7}, 422, "тексеру парағын таңдаңыз, қосымша: 3"),
    ],
)
def test_a_draft_that_cannot_be_recorded(
    as_role: Callable[[str], Session], body: dict[str, Any], status: int, detail: str | None
) -> None:
    response = create(as_role("planner"), **body)
    assert response.status_code == status, response.text
    if detail is not None:
        assert detail in response.json()["detail"]


def test_the_sheet_item_by_item_in_a_language(as_role: Callable[[str], Session]) -> None:
    inspection_id = new_id(as_role("inspector"))
    kk = as_role("viewer").get(f"{API}/inspections/{inspection_id}").json()
    ru = as_role("viewer").get(f"{API}/inspections/{inspection_id}", params={"lang": "ru"}).json()
    assert len(kk["items"]) == ITEMS and [item["number"] for item in kk["items"]] == list(range(1, ITEMS + 1))
    assert kk["items"][4]["criterion"] == 7 and kk["items"][4]["answer"] is None
    assert kk["items"][0]["text"] != ru["items"][0]["text"] and ru["language"] == "ru"
    assert kk["inspection"]["subject"]["bin"] == OWN_BIN and kk["violations"] == []
    assert as_role("viewer").get(f"{API}/inspections/999999").status_code == 404


def test_answers_replace_earlier_ones_and_bad_ones_are_refused_whole(
    as_role: Callable[[str], Session],
) -> None:
    inspector = as_role("inspector")
    inspection_id = new_id(inspector)
    path = f"{API}/inspections/{inspection_id}/answers"
    body = {
        "answers": [
            {"item": 1, "answer": "required"},
            {"item": 2, "answer": "non_compliant", "comment": "no log"},
        ]
    }
    versions = [{"item": 1, "version": 1}, {"item": 2, "version": 1}]
    assert inspector.send("POST", path, json=body).json() == {"answered": 2, "versions": versions}
    bad = {"answers": [{"item": 1, "answer": "compliant"}, {"item": 21, "answer": "compliant"}]}
    refused = inspector.send("POST", path, json=bad)
    assert refused.status_code == 422 and "3-қосымшада 1–20 тармақтар бар" in refused.json()["detail"]
    assert refused.json()["detail"].startswith("Жауаптарда 1 қате бар; біріншісі: ")
    twice = {"answers": [{"item": 3, "answer": "compliant"}, {"item": 3, "answer": "not_required"}]}
    russian = inspector.send("POST", path, json=twice, headers={"Accept-Language": "ru"}).json()["detail"]
    assert russian.startswith("В ответах 1 ошибка; первая: ") and "answered twice" not in russian
    english = inspector.send("POST", path, json=twice | {"lang": "en"}, params={"lang": "en"}).json()
    assert "answered twice" in english["detail"]
    assert (
        inspector.send("POST", path, json={"answers": [{"item": 1, "answer": "compliant"}]}).status_code
        == 200
    )
    items = inspector.get(f"{API}/inspections/{inspection_id}").json()["items"]
    assert [(i["answer"] or {}).get("answer") for i in items[:3]] == ["compliant", "non_compliant", None]
    assert items[1]["answer"]["comment"] == "no log" and items[1]["answer"]["answered_by"] == "t-inspector"


def test_the_remediation_deadline_is_read_and_written_with_versions(
    as_role: Callable[[str], Session],
) -> None:
    inspector, planner = as_role("inspector"), as_role("planner")
    inspection_id = new_id(inspector)
    path = f"{API}/inspections/{inspection_id}/answers"
    given = {"item": 2, "answer": "non_compliant", "comment": "no log", "deadline": "2024-09-01"}
    given["version"] = 0
    kept = {"item": 3, "answer": "compliant", "deadline": "2024-09-01", "version": 0}  # not a violation
    assert inspector.send("POST", path, json={"answers": [given, kept]}).status_code == 200
    items = inspector.get(f"{API}/inspections/{inspection_id}").json()["items"]
    assert (items[1]["answer"]["deadline"], items[1]["version"]) == ("2024-09-01", 1)
    assert items[2]["answer"]["deadline"] is None
    # A colleague moves the deadline (version 1 read); a write that read version 1 too is refused whole.
    moved = {**given, "deadline": "2024-10-01", "version": 1}
    written = planner.send("POST", path, json={"answers": [moved]}).json()["versions"]
    assert written == [{"item": 2, "version": 2}]
    late = {**given, "deadline": "2024-08-15", "version": 1}
    stale = inspector.send("POST", path, json={"answers": [late]})
    assert stale.status_code == 409
    (conflict,) = stale.json()["conflicts"]
    assert (conflict["stored"]["deadline"], conflict["yours"]["deadline"]) == ("2024-10-01", "2024-08-15")
    assert (conflict["stored_version"], conflict["changed_by"]) == (2, "t-planner")
    assert inspector.get(f"{API}/inspections/{inspection_id}").json()["items"][1]["answer"]["deadline"] == (
        "2024-10-01"
    )
    # The deadline alone is a change (the same answer and comment): written, the version raised.
    later = {**given, "deadline": "2024-11-01", "version": 2}
    written = inspector.send("POST", path, json={"answers": [later]}).json()["versions"]
    assert written == [{"item": 2, "version": 3}]
    wrong = {**given, "deadline": "1 September", "version": 3}
    bad = inspector.send("POST", path, json={"answers": [wrong]})
    assert bad.status_code == 422 and "deadline" in bad.text


def test_attachments_within_the_limits(as_role: Callable[[str], Session]) -> None:
    inspector = as_role("inspector")
    inspection_id = new_id(inspector)
    path = f"{API}/inspections/{inspection_id}/attachments"
    added = inspector.send(
        "POST", path, files={"file": ("../../фото 1.png", PNG, "image/png")}, data={"item": "5"}
    )
    assert added.status_code == 201, added.text
    file = added.json()
    assert (file["file_name"], file["item"], file["media_type"], file["size"]) == (
        "фото 1.png",
        5,
        "image/png",
        len(PNG),
    )
    download = as_role("viewer").get(f"{path}/{file['id']}")
    assert download.status_code == 200 and download.content == PNG
    assert as_role("viewer").get(f"{path}/999999").status_code == 404
    refused = inspector.send("POST", path, files={"file": ("run.exe", b"MZ", "application/octet-stream")})
    assert refused.status_code == 422 and "түріндегі файлдар қабылданбайды" in refused.json()["detail"]
    fake = inspector.send("POST", path, files={"file": ("photo.png", b"GIF89a", "image/png")})
    assert fake.status_code == 422 and "мазмұны .png файлы емес" in fake.json()["detail"]
    item = inspector.get(f"{API}/inspections/{inspection_id}").json()["items"][4]
    assert [a["file_name"] for a in item["attachments"]] == ["фото 1.png"]


def test_complete_makes_evidence_and_violations_and_freezes(as_role: Callable[[str], Session]) -> None:
    inspector = as_role("inspector")
    inspection_id = new_id(inspector)
    one = f"{API}/inspections/{inspection_id}"
    inspector.send("POST", f"{one}/answers", json=answers({5: "non_compliant", 9: "required"}, count=19))
    incomplete = inspector.send("POST", f"{one}/complete", json={})
    assert incomplete.status_code == 409
    detail = incomplete.json()["detail"]
    assert "жауапсыз тармақтар: 20;" in detail and detail.endswith("белгіленбеген тармақтар: 9")
    inspector.send("POST", f"{one}/answers", json=answers({5: "non_compliant"}))
    early = inspector.send("POST", f"{one}/complete", json={"inspected_on": "2024-06-01"})
    assert early.status_code == 422 and "акт күні мен бүгінгі күн аралығында" in early.json()["detail"]
    done = inspector.send("POST", f"{one}/complete", json={"inspected_on": "2024-07-05"})
    assert done.status_code == 200, done.text
    report = done.json()
    assert (
        report["inspection"]["status"] == "completed" and report["inspection"]["inspected_on"] == "2024-07-05"
    )
    assert (report["violations"], report["evidence_created"], report["unscored_items"]) == ([5], 1, [])
    frozen = inspector.send("POST", f"{one}/answers", json=answers())
    assert frozen.status_code == 409 and "оны өзгертуге болмайды" in frozen.json()["detail"]
    assert inspector.send("POST", f"{one}/complete", json={}).status_code == 409
    attach = inspector.send("POST", f"{one}/attachments", files={"file": ("a.png", PNG, "image/png")})
    assert attach.status_code == 409
    evidence = as_role("planner").get(f"{API}/subjects/{OWN_BIN}/evidence").json()
    assert any(e["origin"] == f"inspection:{inspection_id}" and e["criterion"] == 7 for e in evidence)


def test_follow_up_a_violation(as_role: Callable[[str], Session]) -> None:
    inspector = as_role("inspector")
    inspection_id = completed(inspector, overrides={5: "non_compliant"})
    path = f"{API}/inspections/{inspection_id}/violations"
    before = inspector.send("PATCH", f"{path}/5", json={"deadline": "2024-07-01"})
    assert before.status_code == 422 and "тексеруден (2024-07-05) бұрын" in before.json()["detail"]
    overdue = inspector.send("PATCH", f"{path}/5", json={"deadline": "2024-08-01", "note": "plan sent"})
    assert overdue.status_code == 200
    assert (overdue.json()["status"], overdue.json()["note"], overdue.json()["deadline"]) == (
        "overdue",
        "plan sent",
        "2024-08-01",
    )
    done = inspector.send("PATCH", f"{path}/5", json={"status": "eliminated", "eliminated_on": "2024-07-20"})
    assert (done.json()["status"], done.json()["eliminated_on"]) == ("eliminated", "2024-07-20")
    assert inspector.send("PATCH", f"{path}/6", json={"note": "x"}).status_code == 422  # item 6 was compliant
    assert inspector.send("PATCH", f"{path}/5", json={"status": "closed"}).status_code == 422
    violations = inspector.get(f"{API}/inspections/{inspection_id}").json()["violations"]
    assert [(v["item"], v["criterion"], v["status"]) for v in violations] == [(5, 7, "eliminated")]


def test_the_next_inspection_shows_previous_answers_and_open_violations(
    as_role: Callable[[str], Session],
) -> None:
    planner = as_role("planner")
    completed(planner, BINS[2], {3: "non_compliant"})
    later = new_id(planner, BINS[2], act_date="2024-08-01")
    items = planner.get(f"{API}/inspections/{later}").json()["items"]
    assert (
        items[2]["previous_answer"]["answer"] == "non_compliant"
        and items[0]["previous_answer"]["answer"] == "compliant"
    )
    assert [v["item"] for v in items[2]["open_violations"]] == [3] and items[0]["open_violations"] == []


def test_revise_a_completed_inspection(as_role: Callable[[str], Session]) -> None:
    inspector = as_role("inspector")
    inspection_id = completed(inspector, overrides={5: "non_compliant"})
    path = f"{API}/inspections/{inspection_id}/revisions"
    assert inspector.send("POST", path, json={"reason": ""}).status_code == 422
    revised = inspector.send("POST", path, json={"reason": "wrong item", "act_number": "99-ПК"})
    assert revised.status_code == 201, revised.text
    draft = revised.json()
    assert (draft["status"], draft["revision"], draft["revises_id"]) == ("draft", 2, inspection_id)
    assert (draft["reason"], draft["act_number"], draft["series_id"]) == (
        "wrong item",
        "99-ПК",
        inspection_id,
    )
    again = inspector.send("POST", path, json={"reason": "again"})
    assert again.status_code == 422 and f"№ {draft['id']} жоба түзетіп жатыр" in again.json()["detail"]
    items = inspector.get(f"{API}/inspections/{draft['id']}").json()["items"]
    assert items[4]["answer"]["answer"] == "non_compliant"  # the answers are carried over
    inspector.send("POST", f"{API}/inspections/{draft['id']}/answers", json=answers())
    assert inspector.send("POST", f"{API}/inspections/{draft['id']}/complete", json={}).status_code == 200
    current = inspector.get(f"{API}/inspections", params={"bin": OWN_BIN}).json()
    everything = inspector.get(f"{API}/inspections", params={"bin": OWN_BIN, "all": "true"}).json()
    assert inspection_id not in [i["id"] for i in current] and inspection_id in [i["id"] for i in everything]
    assert [r["id"] for r in inspector.get(f"{API}/inspections/{draft['id']}").json()["revisions"]] == [
        inspection_id,
        draft["id"],
    ]


def test_listing_by_region_and_status(as_role: Callable[[str], Session]) -> None:
    # one in each region: the test does not lean on what earlier tests of the module left in the database
    new_id(as_role("planner"))
    new_id(as_role("planner"), OTHER_BIN)
    mine = as_role("inspector").get(f"{API}/inspections").json()
    assert mine and {item["subject"]["region"] for item in mine} == {OWN_REGION}
    everyone = as_role("viewer").get(f"{API}/inspections").json()
    assert {item["subject"]["region"] for item in everyone} == {OWN_REGION, OTHER_REGION}
    drafts = (
        as_role("viewer").get(f"{API}/inspections", params={"status": "draft", "region": OTHER_REGION}).json()
    )
    assert drafts and all(i["status"] == "draft" and i["subject"]["bin"] == OTHER_BIN for i in drafts)
    assert as_role("inspector").get(f"{API}/inspections", params={"region": OTHER_REGION}).status_code == 403
    assert as_role("viewer").get(f"{API}/inspections", params={"bin": "190150000000"}).status_code == 404


def test_printed_forms_are_sealed_once_completed_and_verified(as_role: Callable[[str], Session]) -> None:
    inspector = as_role("inspector")
    draft_id = new_id(inspector)
    working = inspector.get(f"{API}/inspections/{draft_id}/document", params={"format": "docx", "lang": "ru"})
    assert working.status_code == 200 and "x-verification-code" not in working.headers
    inspection_id = completed(inspector)
    sealed = inspector.get(f"{API}/inspections/{inspection_id}/document")
    assert sealed.status_code == 200 and sealed.content.startswith(b"%PDF-")
    code = sealed.headers["x-verification-code"]
    disposition = sealed.headers["content-disposition"]
    named = re.fullmatch(r'attachment; filename="inspection-(.+)-kk\.pdf"', disposition)
    assert named is not None and re.fullmatch(r"\d{2}-\d{4}-\d{4}", named.group(1))  # its number
    verify = f"{API}/documents/verify"
    checked = as_role("viewer").send(
        "POST", verify, files={"file": ("form.pdf", sealed.content, "application/pdf")}
    )
    assert checked.json() | {"message": ""} == {
        "status": "ok",
        "code": code,
        "inspection_id": inspection_id,
        "inspection_number": named.group(1),
        "message": "",
    }
    assert f"№ {named.group(1)}" in checked.json()["message"]
    blank = as_role("viewer").get(f"{API}/checklists/3/form", params={"lang": "ru"})
    assert blank.status_code == 200 and blank.content.startswith(b"%PDF-")
    unsealed = as_role("viewer").send(
        "POST", verify, files={"file": ("blank.pdf", blank.content, "application/pdf")}
    )
    assert unsealed.json()["status"] == "unsealed"
    assert unsealed.json()["message"] == "blank.pdf файлында tekseru тексеру коды жоқ"
    text = as_role("viewer").send("POST", verify, files={"file": ("notes.txt", b"hello", "text/plain")})
    assert text.status_code == 422 and "PDF немесе DOCX" in text.json()["detail"]
    fake = as_role("viewer").send("POST", verify, files={"file": ("fake.pdf", b"hello", "application/pdf")})
    assert fake.status_code == 422 and fake.json()["detail"].startswith("fake.pdf: файл PDF те, DOCX те емес")


def test_a_verified_form_is_told_in_the_reader_s_language(as_role: Callable[[str], Session]) -> None:
    """The verdict follows `?lang=` and, for an API client, Accept-Language; refusals too."""
    inspector = as_role("inspector")
    sealed = inspector.get(f"{API}/inspections/{completed(inspector)}/document").content
    verify, viewer = f"{API}/documents/verify", as_role("viewer")

    def check(name: str, content: bytes, **options: Any) -> Any:
        return viewer.send("POST", verify, files={"file": (name, content, "application/pdf")}, **options)

    russian = check("form.pdf", sealed, headers={"Accept-Language": "ru-RU,ru;q=0.9"}).json()
    assert russian["status"] == "ok" and russian["message"].startswith("form.pdf – ")
    assert "не изменён" in russian["message"]
    kazakh = check("form.pdf", sealed, params={"lang": "kk"}, headers={"Accept-Language": "ru"}).json()
    assert "өзгертілмеген" in kazakh["message"]
    blank = viewer.get(f"{API}/checklists/3/form").content
    english = check("form.pdf", blank, headers={"Accept-Language": "en"}).json()
    assert english["message"] == "form.pdf carries no tekseru verification code"
    refused = check("notes.txt", b"hello", headers={"Accept-Language": "ru"})
    assert refused.status_code == 422 and "только форму PDF или DOCX" in refused.json()["detail"]


def test_prefilled_checklist_forms(as_role: Callable[[str], Session]) -> None:
    params = {"bin": OWN_BIN, "act_number": "5-ПК", "act_date": "2024-07-01", "format": "docx"}
    form = as_role("inspector").get(f"{API}/checklists/3/form", params=params)
    assert form.status_code == 200 and form.content.startswith(b"PK")
    assert form.headers["content-disposition"] == 'attachment; filename="checklist-3-kk.docx"'
    assert as_role("inspector").get(f"{API}/checklists/3/form", params={"bin": OTHER_BIN}).status_code == 403
    assert as_role("viewer").get(f"{API}/checklists/9/form").status_code == 404
    wrong = as_role("viewer").get(f"{API}/checklists/7/form", params={"bin": OWN_BIN})
    assert wrong.status_code == 422 and "тексеру парағын таңдаңыз" in wrong.json()["detail"]


def test_changes_are_in_the_audit_log(as_role: Callable[[str], Session]) -> None:
    inspection_id = completed(as_role("inspector"), overrides={5: "non_compliant"})
    log = (
        as_role("admin")
        .get(f"{API}/audit", params={"entity": "inspection", "key": str(inspection_id)})
        .json()
    )
    actions = {entry["action"]: entry for entry in log["items"]}
    assert set(actions) == {"inspection.create", "inspection.answer", "inspection.complete"}
    assert all(entry["actor"] == "t-inspector" and entry["region"] == OWN_REGION for entry in log["items"])
    assert actions["inspection.complete"]["after"]["violations"] == [5]


# Who may do what, on a subject of the inspector's own region and of another region.
MATRIX = """
role       region  list  read  create  answer  attach  complete  follow_up  revise  document  form
admin      own     200   200   201     200     201     200       200        201     200       200
admin      other   200   200   201     200     201     200       200        201     200       200
planner    own     200   200   201     200     201     200       200        201     200       200
planner    other   200   200   201     200     201     200       200        201     200       200
inspector  own     200   200   201     200     201     200       200        201     200       200
inspector  other   403   403   403     403     403     403       403        403     403       403
viewer     own     200   200   403     403     403     403       403        403     200       200
viewer     other   200   200   403     403     403     403       403        403     200       200
"""


def cases() -> list[tuple[str, str, str, int]]:
    header, *rows = (line.split() for line in MATRIX.strip().splitlines())
    return [(row[0], row[1], action, int(row[i])) for row in rows for i, action in enumerate(header) if i > 1]


def call(session: Session, action: str, bin: str, region: str, draft_id: int, done_id: int) -> int:
    one, two = f"{API}/inspections/{draft_id}", f"{API}/inspections/{done_id}"
    calls: dict[str, Callable[[], Any]] = {
        "list": lambda: session.get(f"{API}/inspections", params={"region": region}),
        "read": lambda: session.get(one),
        "create": lambda: create(session, bin),
        "answer": lambda: session.send("POST", f"{one}/answers", json=answers()),
        "attach": lambda: session.send(
            "POST", f"{one}/attachments", files={"file": ("a.png", PNG, "image/png")}
        ),
        "complete": lambda: session.send("POST", f"{one}/complete", json={}),
        "follow_up": lambda: session.send("PATCH", f"{two}/violations/5", json={"note": "checked"}),
        "revise": lambda: session.send("POST", f"{two}/revisions", json={"reason": "matrix"}),
        "document": lambda: session.get(f"{two}/document"),
        "form": lambda: session.get(f"{API}/checklists/3/form", params={"bin": bin}),
    }
    return int(calls[action]().status_code)


@pytest.mark.parametrize(("role", "where", "action", "status"), cases())
def test_permissions(
    as_role: Callable[[str], Session], role: str, where: str, action: str, status: int
) -> None:
    bin, region = (OWN_BIN, OWN_REGION) if where == "own" else (OTHER_BIN, OTHER_REGION)
    planner = as_role("planner")
    draft_id = new_id(planner, bin)
    if action == "complete":
        planner.send("POST", f"{API}/inspections/{draft_id}/answers", json=answers())
    done_id = (
        completed(planner, bin, {5: "non_compliant"}) if action in ("follow_up", "revise", "document") else 0
    )
    assert call(as_role(role), action, bin, region, draft_id, done_id) == status


def test_the_catalogue_the_app_is_made_with_reaches_the_services(as_role: Callable[[str], Session]) -> None:
    """The app here is made with the packaged catalogue plus the test edition of 2030; the checklist of an
    act of 2030 is that edition's, with the item only it has (the services read the app's catalogue, not
    one of their own)."""
    viewer = as_role("viewer")
    form = {"format": "docx", "lang": "ru", "act_date": "2030-02-01"}
    response = viewer.get(f"{API}/checklists/2/form", params=form)
    assert response.status_code == 200, response.text
    document = Document(io.BytesIO(response.content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert any("Новое требование" in text for text in cells)
    earlier = viewer.get(f"{API}/checklists/2/form", params=form | {"act_date": "2024-07-01"})
    cells = [
        cell.text for t in Document(io.BytesIO(earlier.content)).tables for r in t.rows for cell in r.cells
    ]
    assert not any("Новое требование" in text for text in cells)
