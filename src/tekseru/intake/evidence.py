"""The evidence import format: one row per fact for a subjective criterion of the catalogue."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from tekseru.catalog.edition import CatalogueEdition
from tekseru.catalog.identifiers import InvalidIdentifier
from tekseru.intake.errors import ErrorKind, RowError
from tekseru.intake.fields import _FALSE, _ISO_DATE, _TRUE, FIRST_YEAR, LAST_YEAR, RowCheck, _valid_identifier
from tekseru.intake.readers import Columns, SourceRow

EVIDENCE_COLUMNS = Columns(
    required=("bin", "criterion", "source_group", "observed_on", "reference"), optional=("confirmed",)
)
REFERENCE_LIMIT = 500
_BOOLEANS = {text: True for text in _TRUE} | {text: False for text in _FALSE}


@dataclass(frozen=True, slots=True)
class EvidenceRow:
    number: int
    bin: str
    criterion: int
    source_group: int
    observed_on: date
    reference: str
    confirmed: bool | None

    @property
    def natural_key(self) -> tuple[str, int, int, date, str]:
        return (self.bin, self.criterion, self.source_group, self.observed_on, self.reference)


class EvidenceValidator:
    """Checks the rows of one evidence file against the edition and the clock; finds duplicates."""

    def __init__(self, file: str, edition: CatalogueEdition, today: date) -> None:
        self.file = file
        self.edition = edition
        self.today = today
        self._seen: dict[tuple[str, int, int, date, str], int] = {}
        # The texts a file repeats row after row, each checked once: criterion numbers with their groups,
        # dates that are valid days not after today, BINs whose check digit is right.
        self._criteria = {str(number): (number, c.source_group) for number, c in edition.criteria.items()}
        self._dates: dict[str, date] = {}
        self._bins: set[str] = set()

    def validate(self, row: SourceRow) -> EvidenceRow | list[RowError]:
        """The row's evidence, or every error in it (with its file, row and field)."""
        return self._plainly_valid(row) or self._checked(row)

    def _plainly_valid(self, row: SourceRow) -> EvidenceRow | None:
        """The evidence of a row that passes every check of `_checked`, tested by cheaper means (most rows
        of a file): None for any row with something wrong or unusual, which `_checked` then reports."""
        values = row.values
        if row.extra_values:
            return None
        bin, reference = values["bin"], values["reference"]
        criterion = self._criteria.get(values["criterion"])
        observed_on = self._dates.get(values["observed_on"]) or self._known_date(values["observed_on"])
        if criterion is None or observed_on is None or not 0 < len(reference) <= REFERENCE_LIMIT:
            return None
        number, source_group = criterion
        given = values.get("source_group", "")
        if given and given != str(source_group):
            return None
        confirmed_text = values.get("confirmed", "")
        confirmed = None
        if confirmed_text:
            confirmed_text = confirmed_text.lower()
            if confirmed_text not in _BOOLEANS:
                return None
            confirmed = _BOOLEANS[confirmed_text]
        if bin not in self._bins:
            try:
                if _valid_identifier(bin) != bin:
                    return None
            except InvalidIdentifier:
                return None
            self._bins.add(bin)
        evidence = EvidenceRow(row.number, bin, number, source_group, observed_on, reference, confirmed)
        if self._seen.setdefault(evidence.natural_key, row.number) != row.number:
            return None
        return evidence

    def _known_date(self, text: str) -> date | None:
        """The day `text` names when `_checked` would take it (remembered), else None."""
        if not _ISO_DATE.match(text):
            return None
        try:
            value = date.fromisoformat(text)
        except ValueError:
            return None
        if not FIRST_YEAR <= value.year <= LAST_YEAR or value > self.today:
            return None
        self._dates[text] = value
        return value

    def _checked(self, row: SourceRow) -> EvidenceRow | list[RowError]:
        check = RowCheck(self.file, row)
        check.too_many_values()
        bin = check.identifier("bin")
        criterion, source_group = self._criterion(check)
        observed_on = check.past_date("observed_on", self.today)
        reference = check.limited("reference", check.required("reference"), REFERENCE_LIMIT)
        confirmed = check.optional_boolean("confirmed")
        if (
            bin is None
            or criterion is None
            or source_group is None
            or observed_on is None
            or reference is None
        ):
            return check.errors
        evidence = EvidenceRow(row.number, bin, criterion, source_group, observed_on, reference, confirmed)
        self._duplicate(check, evidence)
        return check.errors or evidence

    def _criterion(self, check: RowCheck) -> tuple[int | None, int | None]:
        number = check.integer("criterion", "invalid_criterion_number")
        given = (
            check.integer("source_group", "invalid_source_group_number")
            if check.value("source_group")
            else None
        )
        if number is None:
            return None, None
        criterion = self.edition.criteria.get(number)
        if criterion is None:
            numbers = sorted(self.edition.criteria) or [0]
            check.add(
                "criterion",
                ErrorKind.UNKNOWN_CRITERION,
                "unknown_criterion",
                number=number,
                edition=self.edition.id,
                first=numbers[0],
                last=numbers[-1],
            )
            return None, None
        if given is not None and given != criterion.source_group:
            check.add(
                "source_group",
                ErrorKind.SOURCE_GROUP_MISMATCH,
                "source_group_mismatch",
                given=given,
                number=number,
                group=criterion.source_group,
                edition=self.edition.id,
            )
            return number, None
        return number, criterion.source_group

    def _duplicate(self, check: RowCheck, evidence: EvidenceRow) -> None:
        first = self._seen.setdefault(evidence.natural_key, evidence.number)
        if first != evidence.number:
            check.add("reference", ErrorKind.DUPLICATE_ROW, "duplicate_evidence", first=first)


def attach_subjects(
    file: str, rows: Sequence[EvidenceRow], subject_ids: Mapping[str, int]
) -> tuple[list[tuple[int, EvidenceRow]], list[RowError]]:
    """Pair rows with their subjects' ids; an error for each row whose BIN is not in the registry."""
    found = [(subject_ids[row.bin], row) for row in rows if row.bin in subject_ids]
    errors = [
        RowError.of(file, row.number, "bin", ErrorKind.UNKNOWN_SUBJECT, "unknown_subject", bin=row.bin)
        for row in rows
        if row.bin not in subject_ids
    ]
    return found, errors
