"""The HTTP API under /api/v1: one router module per domain, each included here in one line."""

from __future__ import annotations

from tekseru.api import (
    assessments,
    audit,
    auth,
    backtest,
    catalog,
    exports,
    health,
    imports,
    inspections,
    jobs,
    outbox,
    plans,
    portal,
    public,
    rosters,
    signature_login,
    signatures,
    subjects,
    users,
    visits,
)
from tekseru.http.routing import PathRouter

API_PREFIX = "/api/v1"

api_router = PathRouter(prefix=API_PREFIX)
api_router.include_router(health.router)
api_router.include_router(catalog.router)
api_router.include_router(auth.router)
api_router.include_router(signature_login.router)
api_router.include_router(subjects.router)
api_router.include_router(imports.router)
api_router.include_router(jobs.router)
api_router.include_router(assessments.router)
api_router.include_router(users.router)
api_router.include_router(audit.router)
api_router.include_router(plans.router)
api_router.include_router(inspections.router)
api_router.include_router(rosters.router)
api_router.include_router(exports.router)
api_router.include_router(signatures.router)
api_router.include_router(visits.router)
api_router.include_router(portal.router)
api_router.include_router(outbox.router)
api_router.include_router(public.router)
api_router.include_router(backtest.router)
