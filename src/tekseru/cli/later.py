"""A module imported when first used rather than when the command's module is: a command's `--help` then
imports none of what only running it needs (issue 18). Write

    if TYPE_CHECKING:
        from tekseru.services import inspections
    else:
        inspections = later("tekseru.services.inspections")

so that the type checker reads the module itself and `inspections.X` imports it on first use."""

from __future__ import annotations

from importlib import import_module
from typing import Any


class later:
    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attribute: str) -> Any:
        return getattr(import_module(self._name), attribute)

    def __repr__(self) -> str:
        return f"later({self._name!r})"
