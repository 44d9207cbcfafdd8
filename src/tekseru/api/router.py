"""The HTTP API under /api/v1: one router module per domain, each included here in one line."""

from __future__ import annotations

from fastapi import APIRouter

from tekseru.api import catalog, health

API_PREFIX = "/api/v1"

api_router = APIRouter(prefix=API_PREFIX)
api_router.include_router(health.router)
api_router.include_router(catalog.router)
