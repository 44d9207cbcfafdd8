"""The catalogue of the act that commands hand to the services: the editions shipped with tekseru, loaded
once per process, here and nowhere else on the command line."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tekseru.catalog import Catalogue


def cli_catalogue() -> Catalogue:
    from tekseru.catalog_files import load_catalogue  # imported here: a command's `--help` needs no act

    return load_catalogue()
