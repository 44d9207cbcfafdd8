"""An export (`tekseru.services.exports`) as an HTTP answer that streams the file as it is written, for the
pages and the API alike."""

from __future__ import annotations

from itertools import chain

from fastapi import HTTPException, Request
from fastapi.responses import StreamingResponse

from tekseru.catalog import Catalogue
from tekseru.http.dependencies import get_settings
from tekseru.http.language import request_language, translate
from tekseru.services.exports import FORMATS, MEDIA_TYPES, TableExport

FORMAT_PATTERN = "^(" + "|".join(FORMATS) + ")$"


def export_response(
    request: Request, export: TableExport, format: str, catalogue: Catalogue, *, for_excel: bool = False
) -> StreamingResponse:
    """The export as a file in `format`, in the request's language, naming what it names from `catalogue`
    (the route's `get_catalogue` dependency). A page's download is for a person, who opens a CSV in Excel:
    `for_excel` writes it in the form Excel reads in the page's language (`;` in Kazakh and Russian); the
    API's CSV stays comma-separated, for programs."""
    language = request_language(request)
    if format not in FORMATS:
        raise HTTPException(422, translate(language, "exports.format", formats=", ".join(FORMATS)))
    chunks = export.chunks(format, language, catalogue, for_excel=for_excel)
    zone = get_settings(request).time_zone
    # The first chunk before the answer starts: what the query refuses (text the store cannot hold in a
    # filter, say) is then an error answer of its own, not a file cut short.
    first = next(chunks, b"")
    return StreamingResponse(
        chain([first], chunks),
        media_type=MEDIA_TYPES[format],
        headers={"Content-Disposition": f'attachment; filename="{export.file_name(format, zone)}"'},
    )
