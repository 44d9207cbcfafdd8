"""A backtest's figures as titled tables of text in the reader's language: the command line prints them, the
web page shows them beside its charts, and the XLSX workbook has one sheet per table. One layout for all."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tekseru.i18n import format_decimal, format_half_year, translate
from tekseru.planning.backtest import ORDERS, BacktestReport, OrderFigures
from tekseru.planning.calibration import CriterionLift, Rate

NO_VALUE = "—"


@dataclass(frozen=True)
class TextTable:
    key: str  # what the table is: orders, by_class, by_band, lift, never_fired
    title: str
    headings: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def percent(value: float | None, language: str) -> str:
    return NO_VALUE if value is None else f"{format_decimal(value * 100, language, decimals=1)} %"


def number(value: float | None, language: str, decimals: int = 1) -> str:
    return NO_VALUE if value is None else format_decimal(value, language, decimals=decimals)


def order_name(order: str, language: str) -> str:
    return translate(language, f"backtest.order.{order}")


def backtest_tables(report: BacktestReport, language: str) -> list[TextTable]:
    return [
        _orders(report, language),
        _rates("by_class", report.by_class, language, class_names=True),
        _rates("by_band", report.by_band, language),
        _lift(report.lift, language),
        _never_fired(report.never_fired, language),
    ]


def _words(language: str, key: str, **params: object) -> str:
    return translate(language, f"backtest.{key}", **params)


def _order_row(period: str, order: str, figures: OrderFigures, language: str) -> tuple[str, ...]:
    return (
        period,
        order_name(order, language),
        format_decimal(figures.visits, language, decimals=0),
        percent(figures.hit_rate, language),
        format_decimal(figures.gross_found_first_n, language, decimals=0),
        number(figures.mean_days_to_discovery, language),
    )


def _orders(report: BacktestReport, language: str) -> TextTable:
    n = report.first_n
    rows = [
        _order_row(format_half_year(half.half_year, language), order, half.orders[order], language)
        for half in report.half_years
        for order in ORDERS
        if order in half.orders
    ]
    overall = _words(language, "overall")
    rows += [_order_row(overall, order, figures, language) for order, figures in report.overall.items()]
    headings = (
        _words(language, "column.half_year"),
        _words(language, "column.order"),
        _words(language, "column.visits", n=n),
        _words(language, "column.hit_rate"),
        _words(language, "column.gross_found", n=n),
        _words(language, "column.mean_days"),
    )
    return TextTable("orders", _words(language, "table.orders"), headings, tuple(rows))


def interval(rate: Rate, language: str) -> str:
    bounds = rate.interval
    if bounds is None:
        return NO_VALUE
    low, high = bounds
    return f"{format_decimal(low * 100, language, 1)}–{format_decimal(high * 100, language, 1)} %"


def _rates(key: str, rates: Sequence[Rate], language: str, *, class_names: bool = False) -> TextTable:
    rows = tuple(
        (
            translate(language, f"risk.{rate.label}") if class_names else rate.label,
            format_decimal(rate.visits, language, decimals=0),
            format_decimal(rate.found, language, decimals=0),
            percent(rate.rate, language),
            interval(rate, language),
        )
        for rate in rates
    )
    headings = (
        _words(language, "column.class" if class_names else "column.band"),
        _words(language, "column.visited"),
        _words(language, "column.found"),
        _words(language, "column.rate"),
        _words(language, "column.interval"),
    )
    return TextTable(key, _words(language, f"table.{key}"), headings, rows)


def _lift(lifts: Sequence[CriterionLift], language: str) -> TextTable:
    rows = tuple(
        (
            str(lift.criterion),
            format_decimal(lift.with_visits, language, decimals=0),
            percent(lift.with_rate, language),
            percent(lift.without_rate, language),
            number(lift.lift, language, decimals=2),
        )
        for lift in lifts
    )
    headings = (
        _words(language, "column.criterion"),
        _words(language, "column.with"),
        _words(language, "column.with_rate"),
        _words(language, "column.without_rate"),
        _words(language, "column.lift"),
    )
    return TextTable("lift", _words(language, "table.lift"), headings, rows)


def _never_fired(criteria: Sequence[int], language: str) -> TextTable:
    text = ", ".join(str(number) for number in criteria) or _words(language, "none")
    return TextTable(
        "never_fired",
        _words(language, "table.never_fired"),
        (_words(language, "column.criteria"),),
        ((text,),),
    )
