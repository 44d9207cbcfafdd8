"""The DejaVu Sans fonts bundled for printed documents (Kazakh and Russian letters), with their licence.

See LICENSE-DejaVu.txt in this folder.
"""

from __future__ import annotations

import atexit
from contextlib import ExitStack
from functools import cache
from importlib import resources
from pathlib import Path

__all__ = ["FONT_FAMILY", "font_path"]

FONT_FAMILY = "DejaVuSans"
_FILES = {False: "DejaVuSans.ttf", True: "DejaVuSans-Bold.ttf"}
_extracted = ExitStack()
atexit.register(_extracted.close)


@cache
def font_path(bold: bool = False) -> Path:
    """A file-system path to the regular or bold DejaVu Sans font of this package."""
    resource = resources.files(__name__) / _FILES[bold]
    if isinstance(resource, Path):
        return resource
    return _extracted.enter_context(resources.as_file(resource))
