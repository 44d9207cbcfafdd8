"""The services' refusals as HTTP errors, for the routers of pages and of the API alike: each domain's
exceptions with their status, and a router dependency that answers them, so that routes need no
try/except."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from fastapi import HTTPException, Request

from tekseru.http.language import reader_language, request_language, said
from tekseru.planning import InvalidHalfYear, PlanningInputError
from tekseru.services import document_signatures, inspections, plans

# Kept on pages, each with its own page text (a refusal of a step, 409, or of what was sent, 422, is not "the
# address is not valid"); any other refusal is shown as 400.
PAGE_STATUSES = (403, 404, 409, 413, 422)
PLAN_ERRORS: Mapping[type[Exception], int] = {
    plans.PlanNotFound: 404,
    plans.PlanFrozen: 409,
    plans.PlanNotApproved: 409,
    plans.PlanAlreadyApproved: 409,
    plans.NoAssessment: 409,
    plans.PlanError: 422,
    plans.CapacityFileError: 422,
    InvalidHalfYear: 422,
    PlanningInputError: 422,
}
INSPECTION_ERRORS: Mapping[type[Exception], int] = {
    inspections.InspectionNotFound: 404,
    inspections.AttachmentNotFound: 404,
    inspections.SubjectNotFound: 404,
    inspections.InspectionFrozen: 409,
    inspections.ChecklistIncomplete: 409,
    inspections.InspectionError: 422,
}


def service_errors(
    statuses: Mapping[type[Exception], int], *, page: bool
) -> Callable[[Request], Iterator[None]]:
    """A router dependency that answers the services' refusals with their HTTP status and message in the
    reader's language (the first class in `statuses` that matches decides), so that routes need no
    try/except."""
    kinds = tuple(statuses)

    def translate(request: Request) -> Iterator[None]:
        try:
            yield
        except kinds as error:
            status = next(code for kind, code in statuses.items() if isinstance(error, kind))
            detail = said(request, error, request_language(request) if page else reader_language(request))
            raise HTTPException(status if not page or status in PAGE_STATUSES else 400, detail) from None

    return translate


SIGNATURE_ERRORS: Mapping[type[Exception], int] = {
    document_signatures.SignatureNotSignable: 409,
    document_signatures.SignatureRefused: 422,
    **INSPECTION_ERRORS,
    **PLAN_ERRORS,
}
