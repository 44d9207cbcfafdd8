"""Page routers, one module per domain. Each module has `router` and `section` (its entry in the main
navigation, or None); add a module to `PAGES` and its pages are served and its section appears in the nav
for the users whose role has the section's permission."""

from __future__ import annotations

from types import ModuleType

from tekseru.web.pages import (
    admin,
    api_reference,
    assessments,
    auth,
    backtest,
    catalog,
    contacts,
    dashboard,
    exports,
    imports,
    inspections,
    offline,
    outbox,
    plans,
    portal,
    public,
    registry,
    remediation,
    rosters,
    signature_login,
    signatures,
    visits,
)

PAGES: tuple[ModuleType, ...] = (
    dashboard,
    auth,
    signature_login,
    portal,
    registry,
    assessments,
    plans,
    inspections,
    remediation,
    rosters,
    backtest,
    imports,
    catalog,
    admin,
    exports,
    api_reference,
    signatures,
    visits,
    offline,
    outbox,
    contacts,
    public,
)
