"""Every command that refuses says why in the reader's language: the same failing command in kk and in ru,
and in kk not one English sentence or internal key (issue 13 item 8, issue 12 item 9)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tekseru.cli.main import app
from tests.cli.reader_language import assert_reader_language

# Each failing command (its words after `tekseru`, `{dir}` a fresh folder), with a phrase the kk and the ru
# answer must hold.
FAILURES: dict[str, tuple[list[str], str, str]] = {
    "malformed half-year": (["plan", "2027-X1"], "жарты жыл емес", "не полугодие"),
    "backtest half-year": (["backtest", "--from", "2027-X1", "--to", "2027-H2"], "емес", "не полугодие"),
    "unknown list": (["plans", "show", "999"], "тізім жоқ", "нет"),
    "unknown list approved": (["plans", "approve", "999"], "тізім жоқ", "нет"),
    "unknown inspection": (["inspection", "show", "999"], "тексеру жоқ", "нет"),
    "unknown subject explained": (["explain", "999"], "субъектісі жоқ", "нет"),
    "damaged PDF verified": (["verify", "{dir}/document.pdf"], "коды жоқ", "нет кода"),
    "roster without extension": (["rosters", "import", "provider", "{dir}/тізім"], "импортталмады", "не"),
}


def _run(
    words: list[str], tmp_path: Path, language: str, env: dict[str, str] | None = None
) -> tuple[int, str]:
    (tmp_path / "document.pdf").write_bytes(b"%PDF-1.4 not signed")
    (tmp_path / "тізім").write_text("iin,name\n", encoding="utf-8")
    args = [word.replace("{dir}", str(tmp_path)) for word in words]
    environment = {"TEKSERU_DATABASE_URL": f"sqlite:///{tmp_path / 'tekseru.sqlite3'}", **(env or {})}
    result = CliRunner().invoke(app, [*args, "--lang", language], env=environment)
    return result.exit_code, result.output


@pytest.mark.parametrize("case", sorted(FAILURES))
def test_a_failing_command_says_why_in_kk_and_in_ru(case: str, tmp_path: Path) -> None:
    words, kk_phrase, ru_phrase = FAILURES[case]
    kk_code, kk = _run(words, tmp_path, "kk")
    ru_code, ru = _run(words, tmp_path, "ru")
    assert kk_code != 0 and ru_code != 0, (kk, ru)
    assert "Traceback" not in kk + ru
    assert kk_phrase in kk and ru_phrase in ru, (kk, ru)
    assert kk != ru
    # "2027-H1" is what the user must type (the example of the input form), not a half-year shown to them.
    assert_reader_language(kk.replace("2027-H1", ""), "PDF", "CMS", "DER", "PEM", "base64", "csv", "xlsx")


@pytest.mark.parametrize(
    ("variable", "value", "kk_phrase", "ru_phrase"),
    [
        ("TEKSERU_SESSION_HOURS", "-3", "0-ден үлкен сан", "целым числом больше 0"),
        ("TEKSERU_LANGUAGE", "xx", "мәндердің бірі", "одним из значений"),
        ("TEKSERU_TIME_ZONE", "Mars/Olympus", "уақыт белдеуін", "часовой пояс"),
    ],
)
def test_a_bad_setting_is_named_in_the_language_of_lang(
    variable: str, value: str, kk_phrase: str, ru_phrase: str, tmp_path: Path
) -> None:
    kk_code, kk = _run(["plans", "list"], tmp_path, "kk", {variable: value})
    ru_code, ru = _run(["plans", "list"], tmp_path, "ru", {variable: value})
    assert (kk_code, ru_code) == (2, 2)
    assert variable in kk and variable in ru and value in kk and value in ru
    assert kk_phrase in kk and ru_phrase in ru, (kk, ru)
    assert "must" not in kk + ru


def test_a_bad_setting_before_lang_is_read_follows_the_language_setting(tmp_path: Path) -> None:
    code, said = _run(["plans", "list"], tmp_path, "xx-not-a-language", {"TEKSERU_SESSION_HOURS": "0"})
    assert code == 2 and "0-ден үлкен сан" in said  # no usable --lang, no language setting: kk, the default
    code, said = _run(
        ["plans", "list"],
        tmp_path,
        "xx-not-a-language",
        {"TEKSERU_SESSION_HOURS": "0", "TEKSERU_LANGUAGE": "ru"},
    )
    assert code == 2 and "целым числом больше 0" in said
