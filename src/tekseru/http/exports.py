"""An export (`tekseru.services.exports`) as an HTTP answer that streams the file as it is written, for the
pages and the API alike."""

from __future__ import annotations

from fastapi import HTTPException
from fastapi.responses import StreamingResponse

from tekseru.services.exports import FORMATS, MEDIA_TYPES, TableExport

FORMAT_PATTERN = "^(" + "|".join(FORMATS) + ")$"


def export_response(export: TableExport, format: str, language: str) -> StreamingResponse:
    if format not in FORMATS:
        raise HTTPException(422, f"format must be one of {', '.join(FORMATS)}")
    return StreamingResponse(
        export.chunks(format, language),
        media_type=MEDIA_TYPES[format],
        headers={"Content-Disposition": f'attachment; filename="{export.file_name(format)}"'},
    )
