"""`/api/v1/health`: answers while the application runs, for load balancers and monitoring."""

from __future__ import annotations

from functools import cache
from importlib.metadata import PackageNotFoundError, version

from fastapi import APIRouter

from tekseru.api.schemas.common import HealthOut

router = APIRouter(tags=["health"])


@cache  # read from the installed metadata once: every health check asked the file system (8 stat calls)
def package_version() -> str:
    try:
        return version("tekseru")
    except PackageNotFoundError:
        return "unknown"


@router.get("/health", response_model=HealthOut, summary="Health check")
def health() -> HealthOut:
    return HealthOut(version=package_version())
