"""Answer files of a checklist (CSV, XLSX, JSON) and answers from forms, hostile ones included, on SQLite
and PostgreSQL: each ends in stored answers or in problems naming the file, row and field (in kk, ru, en),
and refused answers leave the stored ones as they were."""

from __future__ import annotations

import json
import uuid
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tekseru.intake import control_character
from tekseru.services import inspections
from tekseru.services.inspections.answers import MAX_JSON_DEPTH, AnswerProblem, read_answer_file
from tekseru.services.permissions import Actor
from tekseru.store import Database
from tests.catalogue import CATALOGUE
from tests.services.inspection_data import BINS, SYSTEM, add_subjects, header

FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def draft(database: Database) -> int:
    add_subjects(database)
    return inspections.create_inspection(
        database, Actor.system("planner"), BINS[0], header(), catalogue=CATALOGUE
    ).id


def _stored(database: Database, inspection_id: int) -> list[tuple[str, str] | None]:
    items = inspections.inspection_sheet(
        database, SYSTEM, inspection_id, catalogue=CATALOGUE, today=date.today()
    ).items
    return [(i.answer.answer, i.answer.comment) if i.answer else None for i in items]


def _problems(path: Path) -> list[AnswerProblem]:
    with pytest.raises(inspections.AnswerFileError) as raised:
        read_answer_file(path)
    return list(raised.value.problems)


def test_a_deeply_nested_json_file_is_refused_without_a_recursion_error(tmp_path: Path) -> None:
    path = tmp_path / "answers.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    [problem] = _problems(path)
    assert problem.key == "json_too_deep"
    assert problem.describe("ru").startswith(f"answers.json: JSON вложен глубже {MAX_JSON_DEPTH} уровней")


def test_brackets_inside_strings_are_not_nesting(tmp_path: Path) -> None:
    path = tmp_path / "answers.json"
    comment = '[[[[[[[[[[[[ {{{{{{{{{{ " ]]'
    path.write_text(json.dumps([{"item": 1, "answer": "compliant", "comment": comment}]), encoding="utf-8")
    [row] = read_answer_file(path)
    assert row.comment == comment


@pytest.mark.parametrize(
    ("entry", "field", "found"),
    [
        ({"item": 1, "answer": "compliant", "comment": {"a": 1}}, "comment", "dict"),
        ({"item": [1], "answer": "compliant"}, "item", "list"),
        ({"item": 1, "answer": True}, "answer", "bool"),
    ],
)
def test_a_json_value_that_is_not_text_is_named(
    tmp_path: Path, entry: dict[str, object], field: str, found: str
) -> None:
    path = tmp_path / "a.json"
    path.write_text(json.dumps([{"item": 2, "answer": "compliant"}, entry]), encoding="utf-8")
    [problem] = _problems(path)
    assert (problem.file, problem.row, problem.field) == ("a.json", 2, field)
    assert (
        problem.describe("kk")
        == f"a.json, 2-жол, {field}: мән мәтін (item үшін бүтін сан) болуы керек, {found} емес"
    )


def test_a_nul_byte_in_a_csv_answer_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(b"item,answer,comment\n1,compliant,ok\n2,compliant,bad\x00comment\n")
    [problem] = _problems(path)
    assert (problem.row, problem.field, problem.key) == (3, "comment", "control_character")


@pytest.mark.parametrize("character", ["\x00", "\x08", "\x1b", "\x9b"])
def test_a_control_character_in_a_comment_from_a_form_is_refused(
    database: Database, draft: int, character: str
) -> None:
    """The web form and the API give answers as rows; on PostgreSQL a NUL used to fail in the database."""
    inspections.answer_items(
        database,
        Actor.system("a"),
        draft,
        [inspections.AnswerRow(1, "compliant", "kept")],
        catalogue=CATALOGUE,
    )
    rows = [inspections.AnswerRow(1, "non_compliant", f"no{character}log", row=1)]
    with pytest.raises(inspections.AnswerFileError) as raised:
        inspections.answer_items(
            database, Actor.system("inspector"), draft, rows, source="form", catalogue=CATALOGUE
        )
    [problem] = raised.value.problems
    assert (problem.file, problem.row, problem.field) == ("form", 1, "comment")
    assert "U+00" in problem.describe("ru") and "управляющий символ" in problem.describe("ru")
    assert _stored(database, draft)[0] == ("compliant", "kept")


ANSWER_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",), max_codepoint=0x4FF), max_size=20)


@st.composite
def answer_files(draw: st.DrawFn) -> tuple[str, bytes]:
    """A JSON, CSV or XLSX-less answer file, mostly valid, spoilt in one way."""
    count = draw(st.integers(1, 4))
    entries = [
        {
            "item": draw(st.one_of(st.integers(0, 22), ANSWER_TEXT)),
            "answer": draw(
                st.one_of(st.sampled_from(["compliant", "non_compliant", "required"]), ANSWER_TEXT)
            ),
            "comment": draw(st.one_of(ANSWER_TEXT, st.sampled_from(["a\x00b", "\x1b[31m", "=HYPERLINK(1)"]))),
        }
        for _ in range(count)
    ]
    suffix = draw(st.sampled_from([".json", ".csv"]))
    damage = draw(st.sampled_from(["none", "deep", "cut", "cp1251", "utf-16", "huge"]))
    if suffix == ".json":
        text = json.dumps(
            {"answers": entries} if draw(st.booleans()) else entries, ensure_ascii=draw(st.booleans())
        )
        if damage == "deep":
            text = "[" * draw(st.integers(9, 5000)) + text
    else:
        lines = ["item,answer,comment"] + [
            ",".join('"' + str(e[key]).replace('"', '""') + '"' for key in ("item", "answer", "comment"))
            for e in entries
        ]
        text = "\n".join(lines) + "\n"
        if damage == "huge":
            text += '1,compliant,"' + "x" * 140_000 + '"\n'
    encoding = damage if damage in ("cp1251", "utf-16") else "utf-8"
    content = text.encode(encoding, errors="replace")
    if damage == "cut":
        content = content[: draw(st.integers(1, max(len(content) - 1, 1)))]
    return suffix, content


@FUZZ
@given(case=answer_files())
def test_hostile_answer_files(
    database: Database, draft: int, tmp_path: Path, case: tuple[str, bytes]
) -> None:
    suffix, content = case
    path = tmp_path / f"answers-{uuid.uuid4().hex[:6]}{suffix}"
    path.write_bytes(content)
    before = _stored(database, draft)
    try:
        rows = read_answer_file(path)
        inspections.answer_items(
            database, Actor.system("fuzz"), draft, rows, source=path.name, catalogue=CATALOGUE
        )
    except inspections.AnswerFileError as error:
        assert _stored(database, draft) == before
        for problem in error.problems:
            assert problem.file == path.name
            texts = {language: problem.describe(language) for language in ("kk", "ru", "en")}
            if problem.key is not None:
                assert len(set(texts.values())) == 3, texts
    stored = [answer for answer in _stored(database, draft) if answer is not None]
    assert all(control_character(comment) is None for _, comment in stored)
