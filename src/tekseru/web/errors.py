"""The HTML pages of errors, in the reader's language; `tekseru.http.errors` decides when each is shown."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from tekseru.http.forms import FormTooLong, field_label, problem_text
from tekseru.http.language import request_language
from tekseru.http.middleware import request_id
from tekseru.web.templating import render

ERROR_PAGES = (400, 403, 404, 405, 409, 413, 422, 500, 503)


def error_page(
    request: Request, status_code: int, detail: str | None = None, problems: list[str] | None = None
) -> Response:
    """The error page in the reader's language; `problems` are sentences in that language, and so is
    `detail`, the refusal of a service (`tekseru.http.errors` says it in the page's language)."""
    key: int | str = status_code if status_code in ERROR_PAGES else 500
    if key == 503 and getattr(request.state, "database_lost", False):  # gone, not busy (`http.errors`)
        key = "503_lost"
        # The reader's session is in the database that is gone: a session not read yet is not read now,
        # and the page is shown as to a reader signed out, rather than as plain text.
        if not hasattr(request.state, "tekseru_session"):
            request.state.tekseru_session = None
    # A service refused what a form asked (approve a list approved already...): the address was right, the
    # action was not done; the refusal says why (tester finding 10).
    refused = key == 400 and detail is not None and request.method == "POST"
    context = {
        "title_key": "tester.error.refused.title" if refused else f"error.{key}.title",
        "text_key": "tester.error.refused.text" if refused else f"error.{key}.text",
        "detail": detail,
        "problems": problems or [],
        "request_id": request_id(request),
    }
    return render(request, "error.html", context, status_code=status_code)


def conflict_page(request: Request) -> Response:
    """A write that named a stale version, on a page that does not show the conflict itself."""
    context = {"title_key": "conflict.title", "text_key": "conflict.reload_page", "detail": None}
    return render(request, "error.html", context, status_code=409)


def form_too_long_page(request: Request, refused: FormTooLong) -> Response:
    """A form with a field over its limit (413): which field and the limit, in the reader's language, and
    the form again with everything else the user sent, to shorten the field and send it once more."""
    language = request_language(request)
    referer = request.headers.get("referer", "")
    own = str(request.base_url)
    back = referer if referer.startswith(own) else None
    context = {
        "title_key": "trust12.form.title",
        "problem": problem_text(language, refused),
        "label": field_label(language, refused.name),
        "limit": refused.limit,
        "refused": refused,
        "back": back,
        "request_id": request_id(request),
    }
    return render(request, "form_too_long.html", context, status_code=413)
