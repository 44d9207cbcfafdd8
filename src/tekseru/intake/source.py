"""What intake reads: a file on disk (the command line names one) or bytes with the name to call them by in
errors (an upload, the demo), behind the few calls the readers make of a file."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import IO, Any


@dataclass(frozen=True)
class Upload:
    """A file's bytes and its name; read like a `Path` to a file that holds them."""

    name: str
    content: bytes = field(repr=False)

    @property
    def suffix(self) -> str:
        return PurePath(self.name).suffix

    def is_file(self) -> bool:
        return True

    def read_bytes(self) -> bytes:
        return self.content

    def open(self, mode: str = "rb", *, encoding: str | None = None, newline: str | None = None) -> IO[Any]:
        raw = io.BytesIO(self.content)
        return raw if "b" in mode else io.TextIOWrapper(raw, encoding=encoding, newline=newline)


Source = Path | Upload
"""A file to read: by its path, or its bytes and name."""
