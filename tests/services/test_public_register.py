"""The public register: only published lists, only the rows on the list, no personal data (no IIN, no
natural person's name or address), CSV cells that never become formulas; and publishing a list queues a
notice to each of its subjects with an address, in the transaction that publishes it."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, timedelta

import pytest

from tekseru.services import plans
from tekseru.services.assessments import run_assessment
from tekseru.services.demo import load_demo
from tekseru.services.outbox import outbox_state
from tekseru.services.public_register import (
    is_natural_person,
    mask_identifiers,
    public_csv,
    public_index,
    public_json,
    public_list,
)
from tekseru.store import Database
from tests.catalogue import CATALOGUE
from tests.public_data import (
    DIRECTOR_IIN,
    EMAILS,
    PERSON_IIN,
    PERSONAL,
    SUBJECTS,
    add_hostile_registry,
    drafted,
    published,
)
from tests.services.plan_data import BINS, NOW, SYSTEM


def test_who_is_a_natural_person() -> None:
    assert is_natural_person(PERSON_IIN, "Иванова А.")  # an IIN: the fifth digit is of a day of birth
    assert is_natural_person("190760000015", "«Серіктестік»")  # kind 6: joint individual entrepreneurship
    assert is_natural_person(BINS[0], "ИП Петров")
    assert is_natural_person(BINS[0], "жеке кәсіпкер Ахметов")
    # Kazakh writes the legal form after the name
    assert is_natural_person(BINS[0], "«Серіктестік» ЖК")
    assert is_natural_person(BINS[0], "Сейтқалиева А.М. ЖК")
    assert is_natural_person(BINS[0], "Сейтқалиева А.М. жеке кәсіпкер")
    assert is_natural_person(BINS[0], "Петров ИП.")
    assert not is_natural_person(BINS[0], "«ЖКХ-Сервис» ЖШС")
    assert is_natural_person("", "«Нұр» ЖШС")  # no BIN at all: treated as a person, to be safe
    assert not is_natural_person(BINS[0], "«Нұр» ЖШС")
    assert not is_natural_person(BINS[0], "ИПОТЕКА «Нұр»")
    assert mask_identifiers(f"ЖСН {DIRECTOR_IIN} және 851 231 300 121", keep="") == (
        "ЖСН ************ және ************"
    )
    assert mask_identifiers(f"«Нұр» БСН {BINS[0]}", keep=BINS[0]) == f"«Нұр» БСН {BINS[0]}"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_only_published_lists_are_public_and_they_hold_no_personal_data(database: Database) -> None:
    add_hostile_registry(database)
    draft = drafted(database)
    with pytest.raises(plans.PlanNotFound):
        public_list(database, draft, zone="Asia/Almaty")
    assert public_index(database, zone="Asia/Almaty") == []
    plans.approve_plan(database, SYSTEM, draft, now=NOW + timedelta(days=1))
    with pytest.raises(plans.PlanNotFound):
        public_list(database, draft, zone="Asia/Almaty")  # approved is not yet published

    plans.publish_plan(database, SYSTEM, draft, now=NOW + timedelta(days=2), catalogue=CATALOGUE)
    plan_id = draft
    listing = public_list(database, plan_id, zone="Asia/Almaty")
    assert [row.number for row in listing.rows] == [1, 2, 3, 4]
    by_bin = {row.bin: row for row in listing.rows}
    assert set(by_bin) == {BINS[0], BINS[5], ""}
    assert by_bin[BINS[0]].name.startswith('=HYPERLINK("http://evil.example";"************")')
    assert by_bin[BINS[0]].address == "Астана, Абай 1, ************"
    persons = [row for row in listing.rows if row.natural_person]
    assert len(persons) == 2 and all(row.name == row.address == row.bin == "" for row in persons)

    [summary] = public_index(database, zone="Asia/Almaty")
    assert (summary.id, summary.half_year, summary.total) == (plan_id, "2027-H1", 4)
    assert summary.rows_by_region == {"almaty_city": 1, "astana": 2, "shymkent": 1}
    assert public_index(database, region="shymkent", zone="Asia/Almaty") == [summary]
    assert (
        public_index(database, region="abai", zone="Asia/Almaty")
        == public_index(database, half_year="2027-H2", zone="Asia/Almaty")
        == []
    )
    assert [
        row.region for row in public_list(database, plan_id, region="shymkent", zone="Asia/Almaty").rows
    ] == ["shymkent"]

    for language in ("kk", "ru"):
        text = public_csv(listing, language, CATALOGUE).decode("utf-8-sig")
        data = json.dumps(public_json(listing, language, CATALOGUE), ensure_ascii=False)
        for personal in PERSONAL:
            assert personal not in text and personal not in data, (language, personal)
        rows = list(csv.reader(io.StringIO(text)))
        assert len(rows) == 5
        assert rows[1][2].startswith("'=HYPERLINK")  # neutralised; the JSON keeps the text as it is
        assert '"=HYPERLINK' in data
        assert rows[1][1] == BINS[0]
    ru = public_json(listing, "ru", CATALOGUE)
    assert {row["name"] for row in ru["rows"] if row["natural_person"]} == {"Индивидуальный предприниматель"}
    assert ru["state_body"].startswith("Комитет")
    kk_header = public_csv(listing, "kk", CATALOGUE).decode("utf-8-sig").splitlines()[0]
    assert kk_header.startswith("№,БСН,Бақылау субъектісі")
    for language in ("kk", "ru"):  # for Excel in kk or ru (the public page's link): `;`, the same cells
        for_excel = public_csv(listing, language, CATALOGUE, for_excel=True).decode("utf-8-sig")
        assert list(csv.reader(io.StringIO(for_excel), delimiter=";")) == list(
            csv.reader(io.StringIO(public_csv(listing, language, CATALOGUE).decode("utf-8-sig")))
        )
        assert for_excel.splitlines()[0].count(";") == 6


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_publishing_queues_a_notice_to_each_subject_on_the_list_with_an_address(database: Database) -> None:
    add_hostile_registry(database)
    draft = drafted(database)
    with pytest.raises(plans.PlanNotApproved):
        plans.publish_plan(
            database, SYSTEM, draft, catalogue=CATALOGUE
        )  # a publication that fails queues nothing
    assert outbox_state(database, SYSTEM).messages == []

    plan_id = published(database)
    messages = outbox_state(database, SYSTEM).messages
    assert sorted(message.recipient for message in messages) == sorted(EMAILS.values())
    [to_person] = [message for message in messages if message.recipient == EMAILS[1]]
    assert to_person.kind == "list_published" and to_person.status == "pending"
    assert "2027" in to_person.subject and SUBJECTS[1].name in to_person.subject
    kk, ru = to_person.body.split("— — —")
    assert "тізімге енгізілген" in kk and f"/public/lists/{plan_id}?lang=kk" in kk
    assert "включена в этот список" in ru and f"/public/lists/{plan_id}?lang=ru" in ru


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_demo_registry_published_shows_only_legal_persons_bins(database: Database) -> None:
    today = date(2026, 12, 1)
    load_demo(database, today=today, catalogue=CATALOGUE)
    run_assessment(database, as_of=today, catalogue=CATALOGUE)
    draft = plans.draft_plan(database, SYSTEM, "2027-H1", catalogue=CATALOGUE)
    plans.approve_plan(database, SYSTEM, draft.id)
    plans.publish_plan(database, SYSTEM, draft.id, catalogue=CATALOGUE)
    listing = public_list(database, draft.id, zone="Asia/Almaty")
    bins = {row.bin for row in listing.rows}
    assert len(listing.rows) == draft.included_count > 10 and "" not in bins
    for language in ("kk", "ru"):
        for text in (
            public_csv(listing, language, CATALOGUE).decode("utf-8-sig"),
            json.dumps(public_json(listing, language, CATALOGUE), ensure_ascii=False),
        ):
            found = set(re.findall(r"(?<!\d)\d{12}(?!\d)", text))
            assert found == bins and not any(is_natural_person(bin, "") for bin in found)
