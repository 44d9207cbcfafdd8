"""`tekseru import subjects|evidence`, driven in-process on a SQLite file."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tekseru.catalog.edition import CatalogueEdition
from tekseru.cli import import_commands
from tekseru.store import open_database, sqlite_url
from tekseru.store.evidence import count_evidence
from tekseru.store.subjects import count_subjects
from tests.cli.reader_language import assert_reader_language

WriteFile = Callable[..., Path]
runner = CliRunner(env={"TEKSERU_LANGUAGE": "en"})  # the messages these tests read; kk and ru have their own
SUBJECTS = ["bin", "name", "region", "address", "groups"]
EVIDENCE = ["bin", "criterion", "source_group", "observed_on", "reference", "confirmed"]


@pytest.fixture(autouse=True)
def _edition(monkeypatch: pytest.MonkeyPatch, edition: CatalogueEdition) -> None:
    monkeypatch.setattr(import_commands, "edition_in_force", lambda today: edition)


def _counts(path: Path) -> tuple[int, int]:
    database = open_database(sqlite_url(path))
    try:
        with database.transaction() as session:
            return count_subjects(session), count_evidence(session)
    finally:
        database.close()


def test_subjects_then_evidence(tmp_path: Path, bins: list[str], write_csv: WriteFile) -> None:
    db = tmp_path / "cli.sqlite3"
    subjects = write_csv("s.csv", [SUBJECTS, [bins[0], "A", "Astana", "", "stationary"]])
    result = runner.invoke(import_commands.app, ["subjects", str(subjects), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "Imported s.csv" in result.output and "created" in result.output
    evidence = write_csv("e.csv", [EVIDENCE, [bins[0], "1", "", "2024-01-15", "act 1", ""]])
    result = runner.invoke(
        import_commands.app, ["evidence", str(evidence), "--db", str(db), "--entered-by", "inspector"]
    )
    assert result.exit_code == 0, result.output
    assert _counts(db) == (1, 1)


def test_bad_input_prints_every_error_and_exits_1(
    tmp_path: Path, bins: list[str], write_csv: WriteFile
) -> None:
    db = tmp_path / "cli.sqlite3"
    path = write_csv(
        "s.csv", [SUBJECTS, [bins[0], "A", "Atlantis", "", "stationary"], ["1", "B", "astana", "", "x"]]
    )
    result = runner.invoke(import_commands.app, ["subjects", str(path), "--db", str(db), "--lang", "en"])
    assert result.exit_code == 1
    assert "s.csv was not imported: 3 error(s). Nothing was stored." in result.output
    assert "s.csv, row 2, region: unknown region 'Atlantis'" in result.output
    assert "s.csv, row 3, bin: '1' is not a valid BIN" in result.output
    assert "s.csv, row 3, groups: unknown control group 'x'" in result.output
    assert _counts(db) == (0, 0)


def test_skip_invalid_reports_the_rejected_file(
    tmp_path: Path, bins: list[str], write_csv: WriteFile
) -> None:
    path = write_csv(
        "s.csv", [SUBJECTS, [bins[0], "A", "astana", "", "stationary"], ["1", "B", "astana", "", "x"]]
    )
    rejected = tmp_path / "rejected.csv"
    result = runner.invoke(
        import_commands.app,
        [
            "subjects",
            str(path),
            "--skip-invalid",
            "--rejected",
            str(rejected),
            "--db",
            str(tmp_path / "d.sqlite3"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert f"Rejected rows, with their errors: {rejected}" in result.output
    assert rejected.is_file()


def test_a_missing_file_is_an_error(tmp_path: Path) -> None:
    result = runner.invoke(
        import_commands.app, ["evidence", str(tmp_path / "no.csv"), "--db", str(tmp_path / "d.db")]
    )
    assert result.exit_code == 1
    assert "there is no file" in result.output


def test_many_errors_are_cut_short(tmp_path: Path, write_csv: WriteFile) -> None:
    rows = [[str(i), "A", "astana", "", "stationary"] for i in range(60)]
    result = runner.invoke(
        import_commands.app,
        ["subjects", str(write_csv("s.csv", [SUBJECTS, *rows])), "--db", str(tmp_path / "d.db")],
    )
    assert result.exit_code == 1
    assert "... and 10 more; --skip-invalid writes them all to a file." in result.output


def test_hostile_files_are_refused_in_the_readers_language(tmp_path: Path, bins: list[str]) -> None:
    """A NUL byte in a name and a quote left open, in Kazakh (--lang) and Russian (TEKSERU_LANGUAGE)."""
    db = tmp_path / "cli.sqlite3"
    nul = tmp_path / "nul.csv"
    nul.write_bytes(f"bin,name,region,groups\n{bins[0]},Ақ\x00жол,astana,stationary\n".encode())
    result = runner.invoke(import_commands.app, ["subjects", str(nul), "--db", str(db), "--lang", "kk"])
    assert result.exit_code == 1
    assert "nul.csv импортталмады: қателер саны: 1. Ештеңе сақталмады." in result.output
    assert "nul.csv, 2-жол, name: мәнде U+0000 (NUL) басқару таңбасы бар (3-таңба)" in result.output
    quote = tmp_path / "quote.csv"
    quote.write_text(f'bin,name,region,groups\n{bins[0]},"Ақ жол,astana,stationary\n', encoding="utf-8")
    result = runner.invoke(
        import_commands.app,
        ["subjects", str(quote), "--db", str(db)],
        env={"TEKSERU_LANGUAGE": "ru"},
    )
    assert result.exit_code == 1
    assert "quote.csv, строка 2, name: кавычка в этом поле не закрыта" in result.output
    assert _counts(db) == (0, 0)


def test_an_unknown_language_is_a_usage_error(tmp_path: Path, write_csv: WriteFile) -> None:
    path = write_csv("s.csv", [SUBJECTS])
    result = runner.invoke(import_commands.app, ["subjects", str(path), "--lang", "de"])
    assert result.exit_code == 2
    assert "'de' is not one of 'kk', 'ru', 'en'" in " ".join(result.output.replace("│", " ").split())


@pytest.mark.parametrize(
    ("language", "title", "rejected_line"),
    [
        ("kk", "s.csv импортталды", "Қабылданбаған жолдар қателерімен:"),
        ("ru", "Импортирован файл s.csv", "Отклонённые строки с их ошибками:"),
    ],
)
def test_the_report_is_in_the_readers_language(
    tmp_path: Path, bins: list[str], write_csv: WriteFile, language: str, title: str, rejected_line: str
) -> None:
    path = write_csv(
        "s.csv", [SUBJECTS, [bins[0], "A", "astana", "", "stationary"], ["1", "B", "astana", "", "x"]]
    )
    arguments = ["subjects", str(path), "--skip-invalid", "--db", str(tmp_path / "d.sqlite3")]
    result = runner.invoke(import_commands.app, [*arguments, "--lang", language], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert title in result.output and rejected_line in result.output
    assert_reader_language(result.output)


@pytest.mark.parametrize(
    ("language", "header", "reasons"),
    [
        ("kk", ("Жол", "Қателер"), ("жарамсыз БСН", "белгісіз бақылау тобы", "белгісіз өңір")),
        ("ru", ("Строка", "Ошибки"), ("неверный БИН", "неизвестная группа контроля", "неизвестный регион")),
    ],
)
def test_the_rejected_rows_file_is_in_the_readers_language(
    tmp_path: Path,
    bins: list[str],
    write_csv: WriteFile,
    language: str,
    header: tuple[str, str],
    reasons: tuple[str, str, str],
) -> None:
    """The file a spreadsheet opens: UTF-8 with a BOM, the row-number and errors columns titled and every
    reason said in the reader's language (the file's own columns keep their names, to import it again),
    and a cell that would start a formula neutralised."""
    path = write_csv(
        "s.csv",
        [
            SUBJECTS,
            [bins[0], "A", "astana", "", "stationary"],
            ["1", "B", "astana", "", "x"],
            [bins[1], '=HYPERLINK("http://x")', "Atlantis", "", "stationary"],
        ],
    )
    arguments = ["subjects", str(path), "--skip-invalid", "--db", str(tmp_path / "d.sqlite3")]
    result = runner.invoke(import_commands.app, [*arguments, "--lang", language])
    assert result.exit_code == 0, result.output
    rejected = path.with_name("s.rejected.csv").read_bytes()
    assert rejected.startswith(codecs.BOM_UTF8)
    rows = list(csv.reader(io.StringIO(rejected.decode("utf-8-sig"))))
    assert rows[0] == [header[0], *SUBJECTS, header[1]]
    assert [row[0] for row in rows[1:]] == ["3", "4"]
    errors = " ".join(row[-1] for row in rows[1:])
    for reason in reasons:
        assert reason in errors, errors
    assert rows[2][2].startswith("'=")  # never a formula in a spreadsheet
    assert "unknown" not in errors and "not a valid" not in errors
