"""Page routers, one module per domain. Each module has `router` and `section` (its entry in the main
navigation, or None); add a module to `PAGES` and its pages are served and its section appears in the nav."""

from __future__ import annotations

from types import ModuleType

from tekseru.web.pages import catalog, dashboard

PAGES: tuple[ModuleType, ...] = (dashboard, catalog)
