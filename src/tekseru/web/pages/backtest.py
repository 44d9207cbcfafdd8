"""`/backtest`: how well the order would have found the violations of past half-years, replayed from stored
data (docs/backtesting.md), as charts with the same figures in tables, and `/backtest.xlsx` to download."""

from __future__ import annotations

from datetime import date

from fastapi import Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from tekseru.catalog import Catalogue
from tekseru.http.dependencies import get_catalogue, get_database, request_today
from tekseru.http.files import attachment
from tekseru.http.language import request_language, say_error, translate
from tekseru.http.routing import PathRouter
from tekseru.http.security import page_actor
from tekseru.planning import HalfYear, InvalidHalfYear
from tekseru.planning.backtest import ORDERS, BacktestReport
from tekseru.services.auth import Database
from tekseru.services.backtest import (
    DEFAULT_FIRST_N,
    BacktestError,
    report_tables,
    report_workbook,
    run_backtest,
)
from tekseru.services.permissions import Actor, Permission
from tekseru.web.charts import Bar, Segment, bar_chart
from tekseru.web.navigation import Section
from tekseru.web.templating import render

router = PathRouter(include_in_schema=False)
section = Section(
    key="backtest",
    route_name="backtest",
    prefix="/backtest",
    permission=Permission.READ_ASSESSMENTS,
    all_regions=True,
)

Db = Depends(get_database)
Signed = Depends(page_actor)
Held = Depends(get_catalogue)
HALF_YEARS_SHOWN = 4  # by default: the last four half-years that have ended
HALF_YEARS_OFFERED = 12  # the form's choices: the last six years' half-years that have ended
CLASS_BARS = {"high": "bar-high", "medium": "bar-medium", "low": "bar-low"}


def default_period(today: date) -> tuple[str, str]:
    last = HalfYear.containing(today).previous()
    first = last
    for _ in range(HALF_YEARS_SHOWN - 1):
        first = first.previous()
    return str(first), str(last)


def period_choices(today: date, *asked: str | None) -> list[str]:
    """The half-years the form offers (as "2027-H1", shown in words), newest first: those that have ended
    in the last six years, and any other one asked for (a link may ask for an older or a later one)."""
    offered = [HalfYear.containing(today).previous()]
    for _ in range(HALF_YEARS_OFFERED - 1):
        offered.append(offered[-1].previous())
    for text in asked:
        try:
            offered.append(HalfYear.parse(text or ""))
        except InvalidHalfYear:
            continue  # the error above the form says so
    return [str(half) for half in sorted(set(offered), reverse=True)]


def _asked(
    start: str | None, end: str | None, first_n: str | None, today: date
) -> tuple[HalfYear, HalfYear, int]:
    default_start, default_end = default_period(today)
    values = {"start": start or default_start, "end": end or default_end}
    parsed = {}
    for key, text in values.items():
        try:
            parsed[key] = HalfYear.parse(text)
        except InvalidHalfYear:
            raise BacktestError(
                "backtest.error.half_year", f"{text!r} is not a half-year", value=text
            ) from None
    try:
        count = int(first_n) if first_n else DEFAULT_FIRST_N
    except ValueError:
        raise BacktestError("backtest.error.first_n", "not a number", n=first_n) from None
    return parsed["start"], parsed["end"], count


def _percent(value: float | None) -> int:
    return 0 if value is None else round(value * 100)


def charts(report: BacktestReport, lang: str) -> dict[str, Markup]:
    """Hit rate and mean days per order (overall), and the violation rate per risk class, in `lang`."""
    # The charts' labels are short (a chart has room for about 20 characters); the tables name them in full.
    names = {order: translate(lang, f"backtest.order_short.{order}") for order in ORDERS}
    shown = [order for order in ORDERS if order in report.overall]
    percent = translate(lang, "backtest.chart.percent")
    hits = [
        Bar(names[o], (Segment(_percent(report.overall[o].hit_rate), "bar-plain", percent),)) for o in shown
    ]
    days = [
        Bar(names[o], (Segment(round(report.overall[o].mean_days_to_discovery or 0), "bar-plain", ""),))
        for o in shown
    ]
    classes = [
        Bar(
            translate(lang, f"risk.{rate.label}"),
            (Segment(_percent(rate.rate), CLASS_BARS.get(rate.label, "bar-plain"), percent),),
        )
        for rate in reversed(report.by_class)
    ]
    drawn: tuple[tuple[str, str, list[Bar], dict[str, object]], ...] = (
        ("hits", "backtest.chart.hit_rate", hits, {"n": report.first_n}),
        ("days", "backtest.chart.days", days, {}),
        ("classes", "backtest.chart.by_class", classes, {}),
    )
    return {
        key: bar_chart(
            f"chart-{key}",
            bars,
            title=translate(lang, title, **params),
            description=translate(lang, f"{title}_desc"),
            language=lang,
        )
        for key, title, bars, params in drawn
    }


@router.get("/backtest", response_class=HTMLResponse, name="backtest")
def page(
    request: Request,
    start: str | None = Query(None, alias="from", max_length=16),
    end: str | None = Query(None, alias="to", max_length=16),
    first_n: str | None = Query(None, max_length=8),
    actor: Actor = Signed,
    db: Database = Db,
    catalogue: Catalogue = Held,
) -> Response:
    lang = request_language(request)
    default_start, default_end = default_period(request_today(request))
    form = {
        "from": start or default_start,
        "to": end or default_end,
        "first_n": first_n or str(DEFAULT_FIRST_N),
    }
    choices = period_choices(request_today(request), form["from"], form["to"])
    try:
        first, last, count = _asked(start, end, first_n, request_today(request))
        report = run_backtest(db, actor, start=first, end=last, first_n=count, catalogue=catalogue)
    except BacktestError as error:
        refused = {"form": form, "choices": choices, "error": say_error(lang, error), "report": None}
        return render(request, "backtest/index.html", refused, status_code=400)
    context = {
        "form": form,
        "choices": choices,
        "error": None,
        "report": report,
        "visits": sum(half.visits for half in report.half_years),
        "charts": charts(report, lang),
        "tables": {table.key: table for table in report_tables(report, lang)},
        "download": {"from": str(first), "to": str(last), "first_n": str(count), "lang": lang},
    }
    return render(request, "backtest/index.html", context)


@router.get("/backtest.xlsx", name="backtest_xlsx")
def workbook(
    request: Request,
    start: str | None = Query(None, alias="from", max_length=16),
    end: str | None = Query(None, alias="to", max_length=16),
    first_n: str | None = Query(None, max_length=8),
    lang: str = Query("kk", pattern="^(kk|ru|en)$"),
    actor: Actor = Signed,
    db: Database = Db,
    catalogue: Catalogue = Held,
) -> Response:
    try:
        first, last, count = _asked(start, end, first_n, request_today(request))
        report = run_backtest(db, actor, start=first, end=last, first_n=count, catalogue=catalogue)
    except BacktestError as error:
        context = {
            "form": {"from": start, "to": end, "first_n": first_n},
            "choices": period_choices(request_today(request), start, end),
            "report": None,
            "error": say_error(request_language(request), error),
        }
        return render(request, "backtest/index.html", context, status_code=400)
    content, name = report_workbook(report, lang)
    return attachment(content, name, "xlsx")
