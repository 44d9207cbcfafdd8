"""`/inspections/{id}/signatures` and `/plans/{id}/signatures`: the signatures of a completed inspection's
form or an approved list, each with its status now, and signing it: through NCALayer on the user's computer
when it answers (static/signatures.js), else by uploading a detached CMS signature made with any tool. The
server verifies a signature before it accepts it (`tekseru.services.document_signatures`)."""

from __future__ import annotations

import base64
import binascii
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from fastapi import Depends, File, Form, Path, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tekseru.catalog import Catalogue
from tekseru.http.dependencies import get_catalogue, get_database, get_settings
from tekseru.http.files import attachment, read_upload
from tekseru.http.language import request_language, say_error
from tekseru.http.middleware import CONTENT_SECURITY_POLICY
from tekseru.http.refusals import SIGNATURE_ERRORS, service_errors
from tekseru.http.routing import PathRouter
from tekseru.http.security import page_actor
from tekseru.services import document_signatures
from tekseru.services.auth import Database
from tekseru.services.permissions import Actor, Permission
from tekseru.settings import Settings
from tekseru.web.templating import render

router = PathRouter(
    include_in_schema=False, dependencies=[Depends(service_errors(SIGNATURE_ERRORS, page=True))]
)
section = None

Db = Depends(get_database)
Signed = Depends(page_actor)
Config = Depends(get_settings)
Held = Depends(get_catalogue)
DocumentLanguage = Query("", pattern="^(kk|ru)?$")
KINDS = {
    "inspection": ("inspections", Permission.WRITE_INSPECTIONS),
    "plan": ("plans", Permission.WRITE_PLANS),
}


def _policy(settings: Settings) -> str:
    """The application's content security policy, letting the page reach NCALayer's address too."""
    parts = urlsplit(settings.ncalayer_url)
    origin = f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("ws", "wss") and parts.netloc else ""
    return CONTENT_SECURITY_POLICY.replace("connect-src 'self'", f"connect-src 'self' {origin}".rstrip())


def _document_language(request: Request, chosen: str) -> str:
    page = request_language(request)
    return chosen or (page if page in document_signatures.DOCUMENT_LANGUAGES else "kk")


def _page(
    request: Request,
    entity: str,
    entity_id: int,
    actor: Actor,
    db: Database,
    settings: Settings,
    catalogue: Catalogue,
    language: str,
    *,
    error: str | None = None,
) -> Response:
    prefix, permission = KINDS[entity]
    shown = document_signatures.signatures(db, actor, entity, entity_id, settings=settings)
    document, not_signable = None, None
    try:
        document = document_signatures.document_to_sign(
            db,
            actor,
            entity,
            entity_id,
            language=language,
            catalogue=catalogue,
            settings=settings,
        )
    except document_signatures.SignatureNotSignable as refused:
        not_signable = say_error(request_language(request), refused)
    context: dict[str, Any] = {
        "entity": entity,
        "entity_id": entity_id,
        "back": f"/{prefix}/{entity_id}",
        "signatures": shown,
        "document": document,
        "signed_name": None if document is None else _signed_name(document.file_name),
        "document_language": language,
        "not_signable": not_signable,
        "can_sign": actor.can(permission),
        "error": error,
        "done": request.query_params.get("done", ""),
        "ncalayer_url": settings.ncalayer_url,
        "title_params": {"id": entity_id},
        "title_key": f"signatures.title.{entity}",
    }
    answer = render(request, "signatures/page.html", context, status_code=422 if error else 200)
    answer.headers["Content-Security-Policy"] = _policy(settings)
    return answer


def _signed_name(to_sign_name: str) -> str:
    """The signed PDF's file name beside the name of what the next signature covers (`plan-1-kk-2.tosign`)."""
    return to_sign_name.rsplit("-", 1)[0] + "-signed.pdf"


def _routes(entity: str) -> None:
    prefix, _ = KINDS[entity]
    path = f"/{prefix}/{{{entity}_id}}/signatures"
    Id = Path(alias=f"{entity}_id")  # the path names it as the other pages of its domain do

    @router.get(path, response_class=HTMLResponse, name=f"signatures_{entity}")
    def page(
        request: Request,
        entity_id: int = Id,
        document: str = DocumentLanguage,
        actor: Actor = Signed,
        db: Database = Db,
        settings: Settings = Config,
        catalogue: Catalogue = Held,
    ) -> Response:
        language = _document_language(request, document)
        return _page(request, entity, entity_id, actor, db, settings, catalogue, language)

    @router.get(f"{path}/document", name=f"signatures_{entity}_document")
    def document_file(
        request: Request,
        entity_id: int = Id,
        document: str = DocumentLanguage,
        actor: Actor = Signed,
        db: Database = Db,
        settings: Settings = Config,
        catalogue: Catalogue = Held,
    ) -> Response:
        language = _document_language(request, document)
        found = document_signatures.document_to_sign(
            db,
            actor,
            entity,
            entity_id,
            language=language,
            catalogue=catalogue,
            settings=settings,
        )
        answer = attachment(found.content, found.file_name, "bin")
        answer.headers["X-Document-SHA256"] = found.sha256
        return answer

    @router.get(f"{path}/signed", name=f"signatures_{entity}_signed")
    def signed_file(
        request: Request,
        entity_id: int = Id,
        document: str = DocumentLanguage,
        actor: Actor = Signed,
        db: Database = Db,
        settings: Settings = Config,
        catalogue: Catalogue = Held,
    ) -> Response:
        language = _document_language(request, document)
        content, name = document_signatures.signed_document(
            db, actor, entity, entity_id, language=language, catalogue=catalogue, settings=settings
        )
        return attachment(content, name, "pdf")

    @router.post(path, name=f"signatures_{entity}_sign")
    def sign(
        request: Request,
        entity_id: int = Id,
        document_sha256: str = Form(""),
        document_language: str = Form("kk", pattern="^(kk|ru)$"),
        signature_base64: str = Form(""),
        signature: UploadFile | None = File(None),
        actor: Actor = Signed,
        db: Database = Db,
        settings: Settings = Config,
        catalogue: Catalogue = Held,
    ) -> Response:
        language = request_language(request)
        name = "ncalayer.cms"
        if signature is not None and signature.filename:
            content, name = (
                read_upload(signature, document_signatures.MAX_SIGNATURE_BYTES),
                signature.filename,
            )
        else:
            try:
                content = base64.b64decode("".join(signature_base64.split()), validate=True)
            except (binascii.Error, ValueError):
                content = b""
        try:
            if not content:
                raise document_signatures.SignatureRefused("no_signature")
            document_signatures.accept_signature(
                db,
                actor,
                entity,
                entity_id,
                document_sha256=document_sha256,
                signature=content,
                file_name=name,
                settings=settings,
            )
        except document_signatures.SignatureRefused as refused:
            error = say_error(language, refused)
            page = partial(_page, request, entity, entity_id, actor, db, settings, catalogue)
            return page(document_language, error=error)
        target = request.app.url_path_for(f"signatures_{entity}", **{f"{entity}_id": str(entity_id)})
        return RedirectResponse(f"{target}?done=signed&document={document_language}", status_code=303)


for _entity in KINDS:
    _routes(_entity)
