"""The semi-annual list as a printable table in Kazakh or Russian: what the XLSX and PDF renderers show.

Both renderers draw the same `PlanTable`, so the two documents cannot say different things. Kazakh is the
official text; Russian is a working translation and says so in the header.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from tekseru.planning.half_year import HalfYear
from tekseru.planning.model import ExcludedRow, ExclusionReason, Plan, PlanRow

DOCUMENT_LANGUAGES: tuple[str, ...] = ("kk", "ru")

Cell = str | int | float

MONTH_NAMES: Mapping[str, tuple[str, ...]] = {
    "kk": (
        "қаңтар",
        "ақпан",
        "наурыз",
        "сәуір",
        "мамыр",
        "маусым",
        "шілде",
        "тамыз",
        "қыркүйек",
        "қазан",
        "қараша",
        "желтоқсан",
    ),
    "ru": (
        "январь",
        "февраль",
        "март",
        "апрель",
        "май",
        "июнь",
        "июль",
        "август",
        "сентябрь",
        "октябрь",
        "ноябрь",
        "декабрь",
    ),
}

RISK_CLASS_NAMES: Mapping[str, Mapping[str, str]] = {
    "kk": {"high": "жоғары", "medium": "орташа", "low": "төмен"},
    "ru": {"high": "высокая", "medium": "средняя", "low": "низкая"},
}

REASON_LABELS: Mapping[str, Mapping[ExclusionReason, str]] = {
    "kk": {
        ExclusionReason.NOT_HIGH_RISK_BY_OBJECTIVE_CRITERIA: (
            "Объективті өлшемшарттар бойынша жоғары тәуекел дәрежесіне жатқызылмаған"
        ),
        ExclusionReason.CLASS_NOT_CANDIDATE: (
            "Тәуекел дәрежесі бару арқылы профилактикалық бақылауға жатпайды"
        ),
        ExclusionReason.VISITED_WITHIN_FREQUENCY_LIMIT: "Соңғы бару кезеңділік шегінің ішінде",
        ExclusionReason.VIOLATIONS_ELIMINATED_IN_FULL: (
            "Алдыңғы бару арқылы профилактикалық бақылау анықтаған бұзушылықтар толық көлемде жойылған"
        ),
        ExclusionReason.COVERED_BY_OTHER_GROUP: "Сол субъектінің басқа тобы бойынша тізімде",
    },
    "ru": {
        ExclusionReason.NOT_HIGH_RISK_BY_OBJECTIVE_CRITERIA: (
            "Не отнесён к высокой степени риска по объективным критериям"
        ),
        ExclusionReason.CLASS_NOT_CANDIDATE: (
            "Степень риска не подлежит профилактическому контролю с посещением"
        ),
        ExclusionReason.VISITED_WITHIN_FREQUENCY_LIMIT: (
            "Последнее посещение в пределах ограничения периодичности"
        ),
        ExclusionReason.VIOLATIONS_ELIMINATED_IN_FULL: (
            "Нарушения, выявленные предыдущим профилактическим контролем с посещением, "
            "устранены в полном объёме"
        ),
        ExclusionReason.COVERED_BY_OTHER_GROUP: "Включён в список по другой группе того же субъекта",
    },
}

_WORDS: Mapping[str, Mapping[str, str]] = {
    "kk": {
        "title": "Бару арқылы профилактикалық бақылау жүргізудің жартыжылдық тізімі",
        "state_body": "Мемлекеттік орган",
        "period": "Кезең",
        "half_year": "{year} жылдың {roman} жартыжылдығы",
        "approved": "Бекітілді: {by}, {on}",
        "not_approved": "Бекітілмеген (жоба)",
        "included": "Тізімге енгізілген бақылау субъектілері",
        "overflow": "Өңір мүмкіндігінен тыс субъектілер (резерв, бару жоспарланбаған)",
        "excluded": "Тізімге енгізілмеген субъектілер және себептері",
        "none": "Жоқ",
        "rank": "Р/с №",
        "region": "Өңір",
        "name": "Бақылау субъектісінің атауы",
        "bin": "БСН",
        "address": "Мекенжайы",
        "groups": "Бақылау субъектілерінің тобы",
        "score": "Тәуекел дәрежесінің көрсеткіші",
        "class": "Тәуекел дәрежесі",
        "reasons": "Негізгі себептер (өлшемшарттар)",
        "month": "Жоспарланған айы",
        "group": "Топ",
        "reason": "Себебі",
    },
    "ru": {
        "title": "Полугодовой список проведения профилактического контроля с посещением",
        "state_body": "Государственный орган",
        "period": "Период",
        "half_year": "{roman} полугодие {year} года",
        "approved": "Утверждён: {by}, {on}",
        "not_approved": "Не утверждён (проект)",
        "included": "Субъекты контроля, включённые в список",
        "overflow": "Субъекты сверх возможностей региона (резерв, посещение не запланировано)",
        "excluded": "Субъекты, не включённые в список, и причины",
        "none": "Нет",
        "rank": "№ п/п",
        "region": "Регион",
        "name": "Наименование субъекта контроля",
        "bin": "БИН",
        "address": "Адрес",
        "groups": "Группа субъектов контроля",
        "score": "Показатель степени риска",
        "class": "Степень риска",
        "reasons": "Основные причины (критерии)",
        "month": "Планируемый месяц",
        "group": "Группа",
        "reason": "Причина",
    },
}

UNOFFICIAL_TRANSLATION_NOTICE = (
    "Перевод на русский язык является неофициальным; официальный текст списка — на казахском языке."
)


@dataclass(frozen=True)
class Section:
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    empty_text: str


@dataclass(frozen=True)
class PlanTable:
    language: str
    title: str
    header_lines: tuple[str, ...]
    sections: tuple[Section, ...]


def plan_table(
    plan: Plan,
    *,
    language: str,
    state_body: str,
    approval: tuple[str, date] | None,
    group_names: Mapping[str, str],
    reason_texts: Mapping[int, str],
    notice: str | None = None,
) -> PlanTable:
    """Lay out the plan for printing. `group_names` and `reason_texts` are in `language`; a group or
    criterion without a text is shown by its key or number. `notice` replaces the default Russian notice."""
    if language not in DOCUMENT_LANGUAGES:
        raise ValueError(f"the list is printed in kk or ru, not {language!r}")
    words = _WORDS[language]
    header = [
        f"{words['state_body']}: {state_body}",
        f"{words['period']}: {half_year_title(plan.half_year, language)}",
        _approval_line(approval, words),
    ]
    if language == "ru":
        header.append(notice or UNOFFICIAL_TRANSLATION_NOTICE)
    cells = _RowCells(language, group_names, reason_texts)
    empty = words["none"]
    sections = (
        Section(words["included"], cells.columns(with_month=True), cells.rows(plan.included, True), empty),
        Section(words["overflow"], cells.columns(with_month=False), cells.rows(plan.overflow, False), empty),
        Section(words["excluded"], cells.excluded_columns(), cells.excluded_rows(plan.excluded), empty),
    )
    return PlanTable(language, words["title"], tuple(header), sections)


def half_year_title(half_year: HalfYear, language: str) -> str:
    roman = "I" if half_year.half == 1 else "II"
    return _WORDS[language]["half_year"].format(year=half_year.year, roman=roman)


def format_date(day: date) -> str:
    return day.strftime("%d.%m.%Y")


def format_score(score: float) -> str:
    """Up to two decimals with a decimal comma, as Kazakh and Russian write numbers: 85, 42,5."""
    return f"{score:.2f}".rstrip("0").rstrip(".").replace(".", ",")


def format_cell(cell: Cell) -> str:
    if isinstance(cell, float):
        return format_score(cell)
    return str(cell)


def _approval_line(approval: tuple[str, date] | None, words: Mapping[str, str]) -> str:
    if approval is None:
        return words["not_approved"]
    approved_by, approved_on = approval
    return words["approved"].format(by=approved_by, on=format_date(approved_on))


@dataclass(frozen=True)
class _RowCells:
    language: str
    group_names: Mapping[str, str]
    reason_texts: Mapping[int, str]

    def columns(self, *, with_month: bool) -> tuple[str, ...]:
        keys = ("rank", "region", "name", "bin", "address", "groups", "score", "class", "reasons")
        words = _WORDS[self.language]
        return tuple(words[key] for key in keys) + ((words["month"],) if with_month else ())

    def rows(self, rows: tuple[PlanRow, ...], with_month: bool) -> tuple[tuple[Cell, ...], ...]:
        return tuple(self.row(row, with_month=with_month) for row in rows)

    def excluded_columns(self) -> tuple[str, ...]:
        keys = ("region", "name", "bin", "group", "score", "class", "reason")
        return tuple(_WORDS[self.language][key] for key in keys)

    def excluded_rows(self, rows: tuple[ExcludedRow, ...]) -> tuple[tuple[Cell, ...], ...]:
        return tuple(self.excluded(row) for row in rows)

    def row(self, row: PlanRow, *, with_month: bool) -> tuple[Cell, ...]:
        cells: tuple[Cell, ...] = (
            row.rank,
            row.region,
            row.name,
            row.bin,
            row.address,
            "\n".join(self.group_names.get(group, group) for group in row.groups),
            row.score,
            self.risk_class(row.risk_class),
            "\n".join(self.reason(number) for number in row.main_reasons),
        )
        if with_month:
            month = row.planned_month
            cells += (MONTH_NAMES[self.language][month - 1] if month is not None else "",)
        return cells

    def excluded(self, row: ExcludedRow) -> tuple[Cell, ...]:
        return (
            row.region,
            row.name,
            row.bin,
            self.group_names.get(row.group, row.group),
            row.score,
            self.risk_class(row.risk_class),
            self.exclusion(row),
        )

    def risk_class(self, risk_class: str) -> str:
        return RISK_CLASS_NAMES[self.language].get(risk_class, risk_class)

    def reason(self, number: int) -> str:
        text = self.reason_texts.get(number)
        return f"{number} — {text}" if text else str(number)

    def exclusion(self, row: ExcludedRow) -> str:
        label = REASON_LABELS[self.language][row.reason]
        if row.reason is ExclusionReason.COVERED_BY_OTHER_GROUP and row.covered_by_rank is not None:
            return f"{label} (№ {row.covered_by_rank})"
        if row.reason is ExclusionReason.CLASS_NOT_CANDIDATE:
            return f"{label} ({self.risk_class(row.risk_class)})"
        if row.last_visit_on is not None:
            return f"{label} ({format_date(row.last_visit_on)})"
        return label
