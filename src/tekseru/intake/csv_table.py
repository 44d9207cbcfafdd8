"""Reading a CSV file: UTF-8 (with or without a BOM), UTF-16, or a legacy Cyrillic code page (what Excel
saves in a Russian or Kazakh locale: Windows-1251, detected with charset-normalizer); comma, semicolon or
tab. The table says which encoding and delimiter it was read with, so that the reader can check."""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from typing import IO

from tekseru.intake.errors import ErrorKind, ImportFileError
from tekseru.intake.source import Source
from tekseru.intake.table import (
    Columns,
    ReadLimits,
    Table,
    check_header,
    column_name,
    data_rows,
    file_error,
    too_many_columns,
    too_many_rows,
)

DELIMITERS = (",", ";", "\t")
SAMPLE_BYTES = 1024 * 1024  # enough text to tell an encoding; a 50 MB upload is not read twice whole


def _encoding(path: Source) -> str:
    """UTF-16 when the file starts with its byte order mark (Excel's "Unicode text") or, without one, with
    ASCII text every other byte of which is NUL; UTF-8 when its start is UTF-8 (or UTF-8 broken further
    on, which the reading then reports); else the legacy code page that `legacy_encoding` finds."""
    with path.open("rb") as handle:
        sample = handle.read(SAMPLE_BYTES)
    start = sample[:4]
    if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if len(start) == 4 and start[1] == start[3] == 0 and start[0] and start[2]:
        return "utf-16-le"
    if len(start) == 4 and start[0] == start[2] == 0 and start[1] and start[3]:
        return "utf-16-be"
    if _is_utf8(sample):
        return "utf-8-sig"
    return legacy_encoding(sample) or "utf-8-sig"


def _is_utf8(sample: bytes) -> bool:
    """Whether the sample is UTF-8: it decodes, or it holds UTF-8 letters before the first byte that does
    not (a UTF-8 file damaged further on, or cut short, is not a legacy one)."""
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as error:
        # Cut at the end: the sample's edge, or a UTF-8 file cut short in the middle of a letter.
        cut = error.reason in ("unexpected end of data", "truncated data") and error.end == len(sample)
        return cut or not sample[: error.start].isascii()
    return True


# The code pages that Excel and old office software save Cyrillic text in, in order of preference when
# two read the same (kz1048, Windows' Kazakh page, agrees with Windows-1251 on every Russian letter).
LEGACY_ENCODINGS = ("cp1251", "kz1048", "cp866", "koi8_r")


def legacy_encoding(sample: bytes) -> str | None:
    """The legacy Cyrillic code page the sample is most plausibly written in, by charset-normalizer; None
    when none reads it as text (binary rubbish, or not Cyrillic at all)."""
    from charset_normalizer import from_bytes

    best = from_bytes(sample, cp_isolation=list(LEGACY_ENCODINGS)).best()
    if best is None or best.encoding not in LEGACY_ENCODINGS or not _mostly_cyrillic(str(best)):
        return None
    text = str(best)
    for encoding in LEGACY_ENCODINGS:  # the plainest page that reads the same text
        if encoding == best.encoding or _decodes_as(sample, encoding) == text:
            return _kazakh_rather_than_1251(sample, encoding)
    return _kazakh_rather_than_1251(sample, best.encoding)


# The bytes where KZ-1048 has its Kazakh letters (Ә Ғ Қ Ң Ө Ұ Ү Һ, both cases) and Windows-1251 the
# Serbian, Macedonian, Ukrainian and Belarusian letters Ј Ѓ Ќ Ћ Ў Ґ Є Ї Ѕ: in a short file the statistics of
# charset-normalizer cannot tell the two pages apart, and "Қамқор" would be stored as "Ќамќор".
KAZAKH_BYTES = frozenset(b"\x8d\x8e\x9d\x9e\xa1\xa2\xa3\xa5\xaa\xaf\xb4\xba\xbc\xbd\xbe\xbf")


def _kazakh_rather_than_1251(sample: bytes, encoding: str) -> str:
    """KZ-1048 rather than Windows-1251 when the text holds a letter the two pages read differently: in a
    registry of Kazakhstan it is a Kazakh letter, not a Serbian or Ukrainian one."""
    if encoding != "cp1251" or KAZAKH_BYTES.isdisjoint(sample) or _decodes_as(sample, "kz1048") is None:
        return encoding
    return "kz1048"


def _mostly_cyrillic(text: str) -> bool:
    """Letters, not stray bytes: the text beyond ASCII holds Cyrillic letters, most of its letters are
    Cyrillic, and it has no control characters (typographic quotes, dashes and the numero sign come along
    in real files and count for nothing)."""
    high = [character for character in text if ord(character) >= 0x80]
    letters = [character for character in high if character.isalpha()]
    cyrillic = sum("\u0400" <= character <= "\u04ff" for character in letters)
    controls = any(ord(character) < 0xA0 for character in high)
    return cyrillic > 0 and cyrillic >= 0.8 * len(letters) and not controls


def _decodes_as(sample: bytes, encoding: str) -> str | None:
    try:
        return sample.decode(encoding)
    except UnicodeDecodeError:
        return None


ENCODING_NAMES = {
    "utf-8-sig": "UTF-8",
    "utf-16": "UTF-16",
    "utf-16-le": "UTF-16 LE",
    "utf-16-be": "UTF-16 BE",
    "cp1251": "Windows-1251",
    "kz1048": "Windows-1048 (KZ-1048)",
    "cp866": "DOS-866",
    "koi8_r": "KOI8-R",
}


@dataclass(frozen=True)
class _CsvFile:
    path: Source
    encoding: str
    delimiter: str
    limits: ReadLimits

    def open(self) -> IO[str]:
        return self.path.open("r", encoding=self.encoding, newline="")

    def records(self) -> Iterator[tuple[int, list[str]]]:
        """The records, numbered; ImportFileError naming the row and field of a broken quote, a value over
        the csv module's limit (128 KiB) or data beyond the row and column limits."""
        with self.open() as handle:
            reader = csv.reader(handle, delimiter=self.delimiter, strict=True)
            number = 0
            while True:
                first_line = reader.line_num
                try:
                    record = next(reader)
                except StopIteration:
                    return
                except csv.Error:
                    raise self._broken(number + 1, self._lines(first_line, reader.line_num)) from None
                number += 1
                if number > self.limits.max_rows and any(cell.strip() for cell in record):
                    raise too_many_rows(self.path, number, self.limits)
                if len(record) > self.limits.max_columns and any(
                    cell.strip() for cell in record[self.limits.max_columns :]
                ):
                    raise too_many_columns(self.path, number, self.limits)
                yield number, record

    def _lines(self, start: int, end: int) -> str:
        """The text of the file's lines `start` (0 the first) to `end` (excluded): the text of a broken
        record, read again only when there is one."""
        with self.open() as handle:
            return "".join(islice(handle, start, end))

    def _broken(self, number: int, text: str) -> ImportFileError:
        limit = csv.field_size_limit()
        index, too_long = _broken_field(text, self.delimiter, limit)
        field = self._field_name(index)
        if too_long:
            return file_error(
                self.path, "field_too_long", number, field, ErrorKind.VALUE_TOO_LONG, limit=limit
            )
        return file_error(self.path, "unclosed_quote", number, field, ErrorKind.UNCLOSED_QUOTE)

    def _field_name(self, index: int) -> str:
        """The header's name of the column at `index` (read again: the error may be in the header)."""
        with self.open() as handle:
            for line in handle:
                if line.strip():
                    return column_name(_names(line, self.delimiter), index)
        return column_name([], index)


def _broken_field(text: str, delimiter: str, limit: int) -> tuple[int, bool]:
    """Where the csv module gave up on a record's text: (the field's index, whether it was too long). It
    stops at a field longer than `limit`, at text after a closing quote, or at the end (a quote left open)."""
    index, length, quoted, after_quote = 0, 0, False, False
    for position, character in enumerate(text):
        if quoted:
            if character == '"':
                quoted, after_quote = text[position + 1 : position + 2] == '"', True
                if quoted:  # a doubled quote stands for one quote
                    after_quote = False
            else:
                length += 1
        elif character == delimiter:
            index, length, after_quote = index + 1, 0, False
        elif character in "\r\n":
            after_quote = False
        elif after_quote:
            return index, False
        elif character == '"' and length == 0:
            quoted = True
        else:
            length += 1
        if length > limit:
            return index, True
    return index, False


def _sniff_delimiter(csv_file: _CsvFile) -> str:
    with csv_file.open() as handle:
        for line in handle:
            if line.strip():
                return max(DELIMITERS, key=line.count) if any(d in line for d in DELIMITERS) else ","
    return ","


@contextmanager
def csv_table(path: Source, columns: Columns, limits: ReadLimits) -> Iterator[Table]:
    csv_file = _CsvFile(path, _encoding(path), ",", limits)
    try:
        csv_file = _CsvFile(path, csv_file.encoding, _sniff_delimiter(csv_file), limits)
        header_number, header, total = _header_and_count(csv_file)
    except UnicodeError:
        raise _encoding_error(path, csv_file.encoding) from None
    except OSError as error:
        raise file_error(path, "cannot_read", detail=str(error)) from None
    fields = check_header(path, header_number, header, columns)
    rows = data_rows(path, csv_file.records(), header_number, fields, header, formulas=False)
    yield Table(
        path.name, tuple(header), csv_file.delimiter, total, rows, encoding=ENCODING_NAMES[csv_file.encoding]
    )


def _header_and_count(csv_file: _CsvFile) -> tuple[int, list[str], int]:
    """The header's row number and cells, and how many non-blank rows follow it (reads the whole file, so
    that a broken record is found before anything is stored)."""
    header_number, header, total = 0, [], 0
    for number, record in csv_file.records():
        if not any(cell.strip() for cell in record):
            continue
        if header_number:
            total += 1
        else:
            header_number, header = number, record
    return header_number, header, total


def _encoding_error(path: Source, encoding: str) -> ImportFileError:
    """Where the text stops being `encoding` (its line and field) and what it seems to be instead."""
    raw = path.read_bytes()
    try:
        raw.decode(encoding)
    except UnicodeDecodeError as error:
        start, cut = error.start, error.reason in ("unexpected end of data", "truncated data")
    else:  # cannot happen: the stream's error is in the whole too
        start, cut = len(raw), True
    if encoding == "utf-8-sig" and raw.startswith(b"\xef\xbb\xbf"):
        start += 3  # utf-8-sig counts the error's place after its byte-order mark, not in the raw bytes
    if not encoding.startswith("utf"):  # a legacy page with a byte it has no letter for
        line = raw.count(b"\n", 0, start) + 1
        byte = f"{raw[min(start, len(raw) - 1)]:#04x}"
        return file_error(path, "not_in_encoding", line, None, encoding=ENCODING_NAMES[encoding], byte=byte)
    line_start = raw.rfind(b"\n", 0, start) + 1
    line = raw.count(b"\n", 0, start) + 1
    before = raw[line_start:start].decode(encoding, errors="replace")
    delimiter = max(DELIMITERS, key=raw[: line_start or start].split(b"\n")[0].decode("latin-1").count)
    first_line = raw.split(b"\n", 1)[0].decode(encoding, errors="replace").lstrip("\ufeff")
    field = column_name(_names(first_line, delimiter), before.count(delimiter)) if line > 1 else None
    if cut:
        return file_error(path, "truncated_utf8", line, field)
    if _looks_cyrillic_1251(raw):
        return file_error(path, "cp1251", line, field)
    return file_error(path, "not_utf8", line, field, byte=f"{raw[min(start, len(raw) - 1)]:#04x}")


def _names(line: str, delimiter: str) -> list[str]:
    """The cells of a header line, for naming a column in an error about a file that is already broken."""
    text = (line.splitlines() or [""])[0]
    try:
        return next(csv.reader([text], delimiter=delimiter), [])
    except csv.Error:
        return text.split(delimiter)


def _looks_cyrillic_1251(raw: bytes) -> bool:
    try:
        text = raw.decode("cp1251")
    except UnicodeDecodeError:
        return False
    high = [character for character in text if ord(character) >= 0x80]
    return bool(high) and sum("\u0400" <= c <= "\u04ff" for c in high) >= 0.8 * len(high)
