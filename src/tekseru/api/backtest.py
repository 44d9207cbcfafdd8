"""`/api/v1/backtest`: how well the risk order would have found the violations of past half-years, replayed
from stored data (docs/backtesting.md): the figures `tekseru backtest --format json` prints."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query

from tekseru.api.schemas.common import FORBIDDEN_RESPONSE, ErrorOut
from tekseru.catalog import Catalogue
from tekseru.http.dependencies import get_catalogue, get_database
from tekseru.http.refusals import service_errors
from tekseru.http.security import api_actor
from tekseru.planning import InvalidHalfYear
from tekseru.services.auth import Database
from tekseru.services.backtest import (
    DEFAULT_FIRST_N,
    DEFAULT_SEED,
    MAX_HALF_YEARS,
    BacktestError,
    run_backtest,
)
from tekseru.services.permissions import Actor

HALF_YEAR = r"^\d{4}-H[12]$"
BACKTEST_ERRORS = {BacktestError: 422, InvalidHalfYear: 422}

router = APIRouter(
    prefix="/backtest",
    tags=["backtest"],
    responses={
        **FORBIDDEN_RESPONSE,
        422: {"model": ErrorOut, "description": "Not a half-year, the range backwards or too long"},
    },
    dependencies=[Depends(service_errors(BACKTEST_ERRORS, page=False))],
)


@router.get(
    "",
    response_model=dict[str, Any],
    summary="Replay past half-years: the risk order against the baselines",
    description="Replays each half-year from `from` to `to` (at most "
    f"{MAX_HALF_YEARS}): the list as of its date with the edition then in force, compared with what "
    "inspections found, for the tekseru order and each baseline order (random within region with the "
    "seed, oldest visit first, the order actually used where recorded). The answer is the JSON of "
    "`tekseru backtest --format json` (`format` tekseru-backtest/1): per half-year and overall, for each "
    "order, `visits`, `hit_rate`, `gross_found_first_n` and `mean_days_to_discovery`; then the calibration "
    "by risk class and score band and the lift of each criterion. Administrators, planners and viewers "
    "(it reads every region); an inspector of one region gets 403.",
    name="api_backtest",
)
def backtest(
    start: str = Query(..., alias="from", pattern=HALF_YEAR, description="First half-year, e.g. 2024-H1."),
    end: str = Query(..., alias="to", pattern=HALF_YEAR, description="Last half-year, e.g. 2026-H1."),
    first_n: int = Query(DEFAULT_FIRST_N, ge=1, le=10_000, description="N of gross_found_first_n."),
    seed: int = Query(DEFAULT_SEED, ge=0, le=2**31 - 1, description="Seed of the random baseline."),
    actor: Actor = Depends(api_actor),
    db: Database = Depends(get_database),
    catalogue: Catalogue = Depends(get_catalogue),
) -> dict[str, Any]:
    report = run_backtest(db, actor, start=start, end=end, first_n=first_n, seed=seed, catalogue=catalogue)
    return report.to_dict()
