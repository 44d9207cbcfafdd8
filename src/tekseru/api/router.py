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
from tekseru.http.routing import PathRouter, within

API_PREFIX = "/api/v1"

api_router = PathRouter(prefix=API_PREFIX)
api_router.include_router(within(API_PREFIX, health.router))
api_router.include_router(within(API_PREFIX, catalog.router))
api_router.include_router(within(API_PREFIX, auth.router))
api_router.include_router(within(API_PREFIX, signature_login.router))
api_router.include_router(within(API_PREFIX, subjects.router))
api_router.include_router(within(API_PREFIX, imports.router))
api_router.include_router(within(API_PREFIX, jobs.router))
api_router.include_router(within(API_PREFIX, assessments.router))
api_router.include_router(within(API_PREFIX, users.router))
api_router.include_router(within(API_PREFIX, audit.router))
api_router.include_router(within(API_PREFIX, plans.router))
api_router.include_router(within(API_PREFIX, inspections.router))
api_router.include_router(within(API_PREFIX, rosters.router))
api_router.include_router(within(API_PREFIX, exports.router))
api_router.include_router(within(API_PREFIX, signatures.router))
api_router.include_router(within(API_PREFIX, visits.router))
api_router.include_router(within(API_PREFIX, portal.router))
api_router.include_router(within(API_PREFIX, outbox.router))
api_router.include_router(within(API_PREFIX, public.router))
api_router.include_router(within(API_PREFIX, backtest.router))
