"""The catalogue of the act that commands hand to the services: the editions shipped with tekseru, loaded
once per process, here and nowhere else on the command line."""

from __future__ import annotations

from tekseru.catalog import Catalogue
from tekseru.catalog_files import load_catalogue


def cli_catalogue() -> Catalogue:
    return load_catalogue()
