"""The installable, offline-capable application: the web manifest, its icons (drawn here, no file to ship),
the service worker at the root scope (`/sw.js`, from static/sw.js) and the list of checklist pages the
service worker keeps for this user (`/offline/checklists`). The service worker and static/offline.js keep
the answers given offline in the browser (IndexedDB) and send them through the answers API when the
connection returns; a stale one gets 409 there and is shown item by item (docs/web.md, "Offline")."""

from __future__ import annotations

import struct
import zlib
from functools import cache
from importlib import resources

from fastapi import Depends, Request
from fastapi.responses import JSONResponse, Response

from tekseru.http.dependencies import get_database
from tekseru.http.language import request_language
from tekseru.http.routing import PathRouter
from tekseru.http.security import page_actor
from tekseru.i18n import translate
from tekseru.services import inspections
from tekseru.services.auth import Database
from tekseru.services.permissions import Actor, Permission

router = PathRouter(include_in_schema=False)
section = None

ICON_SIZES = (192, 512)
THEME = (0x0B, 0x3C, 0x5D)  # the header's blue in app.css (--brand)
NO_STORE = {"Cache-Control": "no-cache"}
KEPT_AT_MOST = 30  # checklists kept on a device: the latest drafts (an administrator may edit every region's)


def offline_inspections(db: Database, actor: Actor) -> list[int]:
    """The inspections kept on this user's device: today the drafts this user may edit (its region's);
    when inspections are assigned to inspectors, the ones assigned to it. The one place to change that.
    The latest `KEPT_AT_MOST`, newest first."""
    found = inspections.list_inspections(db, actor, status="draft")
    mine = [record.id for record, subject in found if actor.can(Permission.WRITE_INSPECTIONS, subject.region)]
    return sorted(mine, reverse=True)[:KEPT_AT_MOST]


@router.get("/offline/checklists", name="offline_checklists")
def checklists(
    request: Request, actor: Actor = Depends(page_actor), db: Database = Depends(get_database)
) -> JSONResponse:
    urls = [
        request.app.url_path_for("inspections_checklist", inspection_id=str(number))
        for number in offline_inspections(db, actor)
    ]
    return JSONResponse({"urls": urls}, headers=NO_STORE)


@cache
def _worker() -> bytes:
    return (resources.files("tekseru.web") / "static" / "sw.js").read_bytes()


@router.get("/sw.js", name="service_worker")
def service_worker() -> Response:
    """The service worker, served from the root so that its scope is the whole application."""
    headers = {"Service-Worker-Allowed": "/", **NO_STORE}
    return Response(_worker(), media_type="text/javascript", headers=headers)


@router.get("/manifest.webmanifest", name="web_manifest")
def manifest(request: Request) -> JSONResponse:
    lang = request_language(request)
    icons = [
        {
            "src": request.app.url_path_for("app_icon", size=str(size)),
            "sizes": f"{size}x{size}",
            "type": "image/png",
            "purpose": "any maskable",
        }
        for size in ICON_SIZES
    ]
    body = {
        "name": translate(lang, "offline.manifest.name"),
        "short_name": "tekseru",
        "description": translate(lang, "offline.manifest.description"),
        "lang": lang,
        "start_url": request.app.url_path_for("inspections_index"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#{:02x}{:02x}{:02x}".format(*THEME),
        "icons": icons,
    }
    return JSONResponse(body, media_type="application/manifest+json")


@router.get("/icons/icon-{size}.png", name="app_icon")
def icon(size: int) -> Response:
    if size not in ICON_SIZES:
        return Response(status_code=404)
    return Response(icon_png(size), media_type="image/png", headers={"Cache-Control": "max-age=86400"})


@cache
def icon_png(size: int) -> bytes:
    """A square in the theme's blue with a white check mark, as a PNG (drawn, so nothing binary is kept)."""
    white = bytes((255, 255, 255))
    blue = bytes(THEME)
    unit = size / 16

    def on_mark(x: float, y: float) -> bool:
        # two strokes of the check mark: (4, 8.5) -> (7, 11.5) -> (12.5, 5), 1.6 units thick
        for (x1, y1), (x2, y2) in (((4, 8.5), (7, 11.5)), ((7, 11.5), (12.5, 5))):
            dx, dy = x2 - x1, y2 - y1
            t = max(0.0, min(1.0, ((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy)))
            if (x - x1 - t * dx) ** 2 + (y - y1 - t * dy) ** 2 <= 0.8**2:
                return True
        return False

    rows = b"".join(
        b"\x00" + b"".join(white if on_mark(x / unit, y / unit) else blue for x in range(size))
        for y in range(size)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )
