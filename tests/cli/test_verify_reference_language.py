"""`tekseru verify` names the document in the reader's language, whatever language it was printed in: the
stored reference ("тексеру № 71-2024-0001, 1-редакция") is said again in the reader's words."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tests.cli.reader_language import assert_reader_language
from tests.cli.test_inspection_commands import answer_file, create, invoke
from tests.databases import database, database_url, postgres_server

__all__ = ["database", "database_url", "invoke", "postgres_server"]


def test_verify_says_the_reference_in_the_readers_language(invoke: Any, tmp_path: Path) -> None:
    inspection = create(invoke)
    invoke("inspection", "answer", str(inspection), str(answer_file(tmp_path)))
    invoke("inspection", "complete", str(inspection), "--inspected-on", "2024-03-05")
    kk_form, ru_form = tmp_path / "form.pdf", tmp_path / "form.docx"
    invoke("inspection", "print", str(inspection), "--lang", "kk", "--output", str(kk_form))
    invoke(
        "inspection", "print", str(inspection), "--lang", "ru", "--format", "docx", "--output", str(ru_form)
    )
    in_english = invoke("verify", str(kk_form), "--lang", "en").stdout
    # The inspection by the number it goes by (region-year-sequence), not its database id.
    found = re.search(r"inspection No\. (\d{2}-\d{4}-\d{4}), revision 1", in_english)
    assert found, in_english
    number = found.group(1)
    assert f"Inspection {number} (`tekseru inspection show {inspection}`)" in in_english
    kk_printed_read_in_ru = invoke("verify", str(kk_form), "--lang", "ru").stdout
    assert f"проверка № {number}, редакция 1" in kk_printed_read_in_ru, kk_printed_read_in_ru
    assert "тексеру №" not in kk_printed_read_in_ru
    ru_printed_read_in_kk = invoke("verify", str(ru_form), "--lang", "kk").stdout
    assert f"тексеру № {number}, 1-редакция" in ru_printed_read_in_kk, ru_printed_read_in_kk
    assert "проверка №" not in ru_printed_read_in_kk
    assert_reader_language(ru_printed_read_in_kk)
