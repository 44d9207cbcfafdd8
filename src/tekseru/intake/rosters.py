"""The information systems' import formats (source group 3): recipient rosters, service-delivery records and
accessibility findings; see docs/rosters.md.

IINs are personal data: an error about one never repeats it in full (only its first six digits), because
errors are kept in job records and shown on pages.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from tekseru.catalog.identifiers import InvalidIdentifier, check_digit, validate_identifier
from tekseru.intake.errors import ErrorKind, RowError
from tekseru.intake.fields import RowCheck
from tekseru.intake.readers import Columns, SourceRow

ROSTER_SOURCES = ("provider", "esobes", "portal")
SERVICE_FORMS = ("stationary", "semi_stationary", "home_care", "temporary_stay")
ROSTER_COLUMNS = Columns(required=("iin", "bin", "form", "start_date"), optional=("end_date",))
DELIVERY_COLUMNS = Columns(required=("iin", "bin", "kind", "planned", "delivered", "date"), optional=())
FINDING_COLUMNS = Columns(required=("object", "bin", "element", "found_on"), optional=())
OBJECT_LIMIT = 500
QUANTITY_LIMIT = 1_000_000
MASKED_DIGITS = 6


def mask_iin(iin: str) -> str:
    """The first six digits (the date of birth) and the rest hidden: 850312******."""
    return iin[:MASKED_DIGITS] + "*" * max(len(iin) - MASKED_DIGITS, 0)


@dataclass(frozen=True, slots=True)
class RosterRow:
    number: int
    iin: str
    bin: str
    form: str
    starts_on: date
    ends_on: date | None


@dataclass(frozen=True, slots=True)
class DeliveryRow:
    number: int
    iin: str
    bin: str
    kind: str
    planned: int
    delivered: int
    delivered_on: date


@dataclass(frozen=True, slots=True)
class FindingRow:
    number: int
    object: str
    bin: str
    element: str
    found_on: date


class _Checks:
    """Parsers for the cells these formats add to RowCheck's: an IIN, a value of a list, any date."""

    def __init__(self, file: str, today: date) -> None:
        self.file = file
        self.today = today
        self._seen: dict[tuple[object, ...], int] = {}

    def iin(self, check: RowCheck) -> str | None:
        text = check.required("iin")
        if text is None:
            return None
        try:
            return validate_identifier(text, "IIN")
        except InvalidIdentifier:
            key, params = _iin_problem(text.strip())
            check.add("iin", ErrorKind.INVALID_IIN, key, **params)
            return None

    def one_of(self, check: RowCheck, name: str, known: Iterable[str]) -> str | None:
        text = check.required(name)
        if text is None:
            return None
        value = text.strip().lower().replace("-", "_").replace(" ", "_")
        known = tuple(known)
        if value not in known:
            check.add(name, ErrorKind.UNKNOWN_VALUE, "unknown_value", text=text, known=", ".join(known))
            return None
        return value

    def any_date(self, check: RowCheck, name: str) -> date | None:
        """A date that may lie in the future (a planned end of a stay)."""
        return check.past_date(name, date.max)

    def quantity(self, check: RowCheck, name: str) -> int | None:
        value = check.integer(name, "invalid_quantity")
        if value is not None and value > QUANTITY_LIMIT:
            check.add(name, ErrorKind.INVALID_NUMBER, "invalid_quantity", text=check.value(name))
            return None
        return value

    def first_time(self, check: RowCheck, key: tuple[object, ...], field: str) -> None:
        first = self._seen.setdefault(key, check.row.number)
        if first != check.row.number:
            check.add(field, ErrorKind.DUPLICATE_ROW, "duplicate_record", first=first)


class RosterValidator(_Checks):
    """Checks one roster file: IIN, provider BIN, form of service, start and (optional) end date."""

    def validate(self, row: SourceRow) -> RosterRow | list[RowError]:
        check = RowCheck(self.file, row)
        check.too_many_values()
        iin = self.iin(check)
        bin = check.identifier("bin")
        form = self.one_of(check, "form", SERVICE_FORMS)
        starts_on = check.past_date("start_date", self.today)
        ends_on = self.any_date(check, "end_date") if check.value("end_date") else None
        if starts_on is not None and ends_on is not None and ends_on < starts_on:
            check.add(
                "end_date",
                ErrorKind.END_BEFORE_START,
                "end_before_start",
                end=ends_on.isoformat(),
                start=starts_on.isoformat(),
            )
        if check.errors or iin is None or bin is None or form is None or starts_on is None:
            return check.errors
        self.first_time(check, (iin, bin, starts_on), "start_date")
        return check.errors or RosterRow(row.number, iin, bin, form, starts_on, ends_on)


class DeliveryValidator(_Checks):
    """Checks one service-delivery file: who, which provider, which kind, planned and delivered, when."""

    def __init__(self, file: str, today: date, kinds: Iterable[str]) -> None:
        super().__init__(file, today)
        self.kinds = tuple(kinds)

    def validate(self, row: SourceRow) -> DeliveryRow | list[RowError]:
        check = RowCheck(self.file, row)
        check.too_many_values()
        iin = self.iin(check)
        bin = check.identifier("bin")
        kind = self.one_of(check, "kind", self.kinds)
        planned = self.quantity(check, "planned")
        delivered = self.quantity(check, "delivered")
        on = check.past_date("date", self.today)
        if (
            check.errors
            or iin is None
            or bin is None
            or kind is None
            or planned is None
            or delivered is None
            or on is None
        ):
            return check.errors
        self.first_time(check, (iin, bin, kind, on), "date")
        return check.errors or DeliveryRow(row.number, iin, bin, kind, planned, delivered, on)


class FindingValidator(_Checks):
    """Checks one accessibility-findings file: the object, its subject's BIN, the element, the date."""

    def __init__(self, file: str, today: date, elements: Iterable[str]) -> None:
        super().__init__(file, today)
        self.elements = tuple(elements)

    def validate(self, row: SourceRow) -> FindingRow | list[RowError]:
        check = RowCheck(self.file, row)
        check.too_many_values()
        name = check.limited("object", check.required("object"), OBJECT_LIMIT)
        bin = check.identifier("bin")
        element = self.one_of(check, "element", self.elements)
        found_on = check.past_date("found_on", self.today)
        if check.errors or name is None or bin is None or element is None or found_on is None:
            return check.errors
        self.first_time(check, (name, bin, element, found_on), "element")
        return check.errors or FindingRow(row.number, name, bin, element, found_on)


def _iin_problem(text: str) -> tuple[str, dict[str, object]]:
    """Why `text` is not an IIN, as a message key and its values; the IIN itself is shown masked."""
    if not text.isascii() or not text.isdigit():
        return "iin_not_digits", {}
    if len(text) != 12:
        return "iin_length", {"length": len(text)}
    expected = check_digit(text[:-1])
    if expected is None:
        return "iin_no_check_digit", {"text": mask_iin(text)}
    return "iin_check_digit", {"text": mask_iin(text), "digit": text[-1], "expected": expected}
