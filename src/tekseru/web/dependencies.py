"""FastAPI dependencies shared by the page routers and the API routers: settings and services.

Routes get services through these functions, never by building them; tests replace them with
`app.dependency_overrides[get_catalog_service] = ...`.
"""

from __future__ import annotations

from fastapi import Request

from tekseru.catalog import load_catalogue
from tekseru.services.catalog import CatalogService
from tekseru.settings import Settings


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_catalog_service() -> CatalogService:
    return CatalogService(load_catalogue())
