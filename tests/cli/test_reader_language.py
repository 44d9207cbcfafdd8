"""The check itself: it finds English words and internal keys and lets machine parts pass."""

from __future__ import annotations

from tests.cli.reader_language import reader_problems


def test_it_finds_english_words_and_internal_keys() -> None:
    found = reader_problems("Severity / gross (Abai region) stationary_care 2027-H1, inspection.print")
    assert {"English 'Severity'", "English 'gross'", "key stationary_care", "half-year 2027-H1"} <= set(found)
    assert "key inspection.p" in found


def test_it_lets_paths_hashes_and_commands_pass() -> None:
    text = "Файл /tmp/test_x0/plan-1-2027-H1-kk.pdf жазылды, sha256 ab12; `tekseru plans list` --lang kk"
    assert reader_problems(text) == []
