"""`/api/v1/inspections/{id}/signatures` and `/api/v1/plans/{id}/signatures`: the document to sign (a PDF
in kk or ru), the signatures accepted with their status now, and handing in a detached CMS signature, which
is verified before it is accepted (`tekseru.services.document_signatures`)."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from fastapi import APIRouter, Depends, Path, Query, Response

from tekseru.api.schemas.common import FORBIDDEN_RESPONSE, NOT_FOUND_RESPONSE, ErrorOut
from tekseru.api.schemas.signatures import SignatureIn, SignatureOut
from tekseru.catalog import Catalogue
from tekseru.http.dependencies import get_catalogue, get_database, get_settings
from tekseru.http.files import disposition
from tekseru.http.refusals import SIGNATURE_ERRORS, service_errors
from tekseru.http.security import api_actor
from tekseru.services import document_signatures
from tekseru.services.auth import Database
from tekseru.services.permissions import Actor
from tekseru.settings import Settings

REFUSED: dict[int | str, dict[str, Any]] = {
    409: {"model": ErrorOut, "description": "Not signable yet: a draft inspection or list"},
    422: {"model": ErrorOut, "description": "A signature that does not hold, or not of this document"},
}
router = APIRouter(
    tags=["signatures"],
    responses={**NOT_FOUND_RESPONSE, **FORBIDDEN_RESPONSE, **REFUSED},
    dependencies=[Depends(service_errors(SIGNATURE_ERRORS, page=False))],
)
Db = Depends(get_database)
Signed = Depends(api_actor)
Config = Depends(get_settings)
Lang = Query("kk", pattern="^(kk|ru)$", description="kk (official) or ru.")
ENTITY_PATHS = {
    "inspection": "/inspections/{inspection_id}/signatures",
    "plan": "/plans/{plan_id}/signatures",
}


def _routes(entity: str, path: str) -> None:
    label = "an inspection" if entity == "inspection" else "a list"
    Id = Path(alias=f"{entity}_id")  # the path names it as the other routes of its domain do

    @router.get(
        f"{path}/document",
        response_class=Response,
        summary=f"What the next signature of the PDF of {label} covers",
        description="The bytes of the PDF's next revision that its signature covers (the revision holds "
        "every signature accepted so far); sign them with a detached CMS signature and hand it in with "
        "their SHA-256, given in `X-Document-SHA256`.",
        name=f"api_{entity}_signing_document",
        responses={200: {"content": {"application/octet-stream": {}}}},
    )
    def document(
        entity_id: int = Id,
        language: str = Lang,
        actor: Actor = Signed,
        db: Database = Db,
        settings: Settings = Config,
        catalogue: Catalogue = Depends(get_catalogue),
    ) -> Response:
        found = document_signatures.document_to_sign(
            db, actor, entity, entity_id, language=language, catalogue=catalogue, settings=settings
        )
        headers = {
            "X-Document-SHA256": found.sha256,
            "Content-Disposition": disposition(found.file_name),
        }
        return Response(found.content, media_type="application/octet-stream", headers=headers)

    @router.get(
        f"{path}/signed",
        response_class=Response,
        summary=f"The PDF of {label} with every signature accepted so far",
        name=f"api_{entity}_signed_document",
        responses={200: {"content": {"application/pdf": {}}}},
    )
    def signed(
        entity_id: int = Id,
        language: str = Lang,
        actor: Actor = Signed,
        db: Database = Db,
        settings: Settings = Config,
        catalogue: Catalogue = Depends(get_catalogue),
    ) -> Response:
        content, name = document_signatures.signed_document(
            db, actor, entity, entity_id, language=language, catalogue=catalogue, settings=settings
        )
        headers = {"Content-Disposition": disposition(name)}
        return Response(content, media_type="application/pdf", headers=headers)

    @router.get(
        path,
        response_model=list[SignatureOut],
        summary=f"The signatures of {label}, each with its status now",
        name=f"api_{entity}_signatures",
    )
    def listed(
        entity_id: int = Id, actor: Actor = Signed, db: Database = Db, settings: Settings = Config
    ) -> list[SignatureOut]:
        return [
            SignatureOut.model_validate(s)
            for s in document_signatures.signatures(db, actor, entity, entity_id, settings=settings)
        ]

    @router.post(
        path,
        response_model=SignatureOut,
        status_code=201,
        summary=f"Hand in a detached CMS signature of the document of {label}",
        name=f"api_{entity}_sign",
    )
    def sign(
        body: SignatureIn,
        entity_id: int = Id,
        actor: Actor = Signed,
        db: Database = Db,
        settings: Settings = Config,
    ) -> SignatureOut:
        try:
            raw = base64.b64decode("".join(body.signature.split()), validate=True)
        except (binascii.Error, ValueError):
            raw = body.signature.encode("ascii", "replace")  # PEM: the service reads it, or refuses it
        record = document_signatures.accept_signature(
            db,
            actor,
            entity,
            entity_id,
            document_sha256=body.document_sha256,
            signature=raw,
            settings=settings,
        )
        shown = next(
            s
            for s in document_signatures.signatures(db, actor, entity, entity_id, settings=settings)
            if s.record.id == record.id
        )
        return SignatureOut.model_validate(shown)


for _entity, _path in ENTITY_PATHS.items():
    _routes(_entity, _path)
