"""`/api-reference`: the interactive reference of the API (Swagger UI, from the swagger-ui-py package, served
by the app itself: no CDN, so the page works offline and within the content security policy), with the
example requests in curl and Python for the common jobs (`tekseru.web.api_examples`)."""

from __future__ import annotations

from importlib import resources

from fastapi import HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse

from tekseru.http.routing import PathRouter
from tekseru.web.api_examples import EXAMPLES, example
from tekseru.web.templating import render

router = PathRouter(include_in_schema=False)
section = None

# The two files of Swagger UI the page needs, from the package's own copy of its distribution.
ASSETS = {"swagger-ui-bundle.js": "text/javascript", "swagger-ui.css": "text/css"}


@router.get("/api-reference", response_class=HTMLResponse, name="api_reference")
def reference(request: Request) -> HTMLResponse:
    examples = [(name, "shell" if name.endswith(".sh") else "python", example(name)) for name in EXAMPLES]
    return render(request, "api_reference.html", {"examples": examples})


@router.get("/api-reference/assets/{file}", name="api_reference_asset")
def asset(file: str) -> FileResponse:
    if file not in ASSETS:
        raise HTTPException(404, "no such file")
    with resources.as_file(resources.files("swagger_ui") / "static" / file) as path:
        return FileResponse(path, media_type=ASSETS[file], headers={"Cache-Control": "public, max-age=86400"})


@router.get("/api-reference/examples/{file}", name="api_reference_example")
def example_file(file: str) -> FileResponse:
    if file not in EXAMPLES:
        raise HTTPException(404, "no such example")
    with resources.as_file(resources.files("tekseru.web.api_examples") / file) as path:
        return FileResponse(path, media_type="text/plain; charset=utf-8", filename=file)
