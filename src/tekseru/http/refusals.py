"""The services' refusals as HTTP errors, for the routers of pages and of the API alike: each domain's
exceptions with their status, and a router dependency that answers them, so that routes need no
try/except."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from fastapi import HTTPException

from tekseru.planning import InvalidHalfYear, PlanningInputError
from tekseru.services import document_signatures, inspection_actions
from tekseru.services import inspections as flow
from tekseru.services import plans as service

PAGE_STATUSES = (403, 404, 413)  # kept on pages; any other refusal is shown as 400
PLAN_ERRORS: Mapping[type[Exception], int] = {
    service.PlanNotFound: 404,
    service.PlanFrozen: 409,
    service.PlanNotApproved: 409,
    service.NoAssessment: 409,
    service.PlanError: 422,
    service.CapacityFileError: 422,
    InvalidHalfYear: 422,
    PlanningInputError: 422,
}
INSPECTION_ERRORS: Mapping[type[Exception], int] = {
    flow.InspectionNotFound: 404,
    inspection_actions.AttachmentNotFound: 404,
    flow.SubjectNotFound: 404,
    flow.InspectionFrozen: 409,
    flow.ChecklistIncomplete: 409,
    flow.InspectionError: 422,
}


def service_errors(statuses: Mapping[type[Exception], int], *, page: bool) -> Callable[[], Iterator[None]]:
    """A router dependency that answers the services' refusals with their HTTP status and message (the
    first class in `statuses` that matches decides), so that routes need no try/except."""
    kinds = tuple(statuses)

    def translate() -> Iterator[None]:
        try:
            yield
        except kinds as error:
            status = next(code for kind, code in statuses.items() if isinstance(error, kind))
            raise HTTPException(status if not page or status in PAGE_STATUSES else 400, str(error)) from None

    return translate


SIGNATURE_ERRORS: Mapping[type[Exception], int] = {
    document_signatures.SignatureNotSignable: 409,
    document_signatures.SignatureRefused: 422,
    **INSPECTION_ERRORS,
    **PLAN_ERRORS,
}
