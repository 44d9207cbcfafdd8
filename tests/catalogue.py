"""The catalogue the tests hand to the services: the editions shipped with tekseru, as the application and
the command line load them."""

from __future__ import annotations

from tekseru.catalog_files import load_catalogue

CATALOGUE = load_catalogue()
