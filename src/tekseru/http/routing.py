"""Routers that say at once when a request cannot be theirs.

FastAPI tries every route of every included router in turn, each by its regular expression, until one
matches: a page under /registry was tried against the hundred routes of the API first (0.3 ms of the
search page's 4 ms of CPU). A `PathRouter` included at the application's top level (no prefix added by
the include) knows the first segments of all its paths, and answers "no match" for any other path without
trying its routes. A router included into another router (the API's, under /api/v1) does not know the
prefix its paths gain: `within` wraps it in a `PathRouter` told that prefix, which answers "no match" for
a path outside the router's own prefix (a call of /api/v1/subjects is not tried against the catalogue's,
the sign-in's and the other routes the API lists before it).

FastAPI asks an included router, on every request and at each level it passes (to match, then again to
handle), for the version of its routes, to know whether the table it built of them still holds: the
version is the sum of the router's own counter and those of the routers it includes, found by walking them
all, every route of each. Under /api/v1 that walk went through some 150 routes, several times a request. A
`PathRouter` keeps the list of the routers below it and sums their counters instead: a change anywhere
below raises one of them, so the sum changes as the walk's did.
"""

from __future__ import annotations

from typing import Any

import fastapi.routing
from fastapi import APIRouter
from starlette._utils import get_route_path
from starlette.routing import Match
from starlette.types import Scope


class PathRouter(APIRouter):
    """An `APIRouter` for the top level that skips requests outside the first segments of its paths."""

    def __init__(self, *args: Any, starts: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._segments: frozenset[str] | None = None
        self._segments_of = -1  # how many routes the segments were read from
        self._starts = starts  # what every path of this router starts with, prefixes of its includes too
        self._below: tuple[APIRouter, ...] = ()  # this router and those it includes, at any depth
        self._below_version = -1  # the sum of their counters when `_below` was found

    def _get_routes_version(self, seen: set[int] | None = None) -> int:
        """FastAPI's version of this router's routes and of the routers it includes (see the module)."""
        version = sum(router._routes_version for router in self._below)
        if version != self._below_version or not self._below:
            self._below = tuple(_routers_below(self))
            version = self._below_version = sum(router._routes_version for router in self._below)
        return version

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if self._starts:
            path = get_route_path(scope)
            if not (path == self._starts or path.startswith(self._starts + "/")):
                return Match.NONE, {}
            return super().matches(scope)
        segments = self._first_segments()
        if segments is not None and _first_segment(get_route_path(scope)) not in segments:
            return Match.NONE, {}
        return super().matches(scope)

    def _first_segments(self) -> frozenset[str] | None:
        """The first segments of the router's paths; None when one of them is a parameter (any path)."""
        if self.prefix:  # every path of the router, those of the routers it includes too, starts so
            return frozenset({_first_segment(self.prefix)})
        if self._segments_of != len(self.routes):
            paths = [getattr(route, "path", None) for route in self.routes]
            segments = {_first_segment(path) for path in paths if isinstance(path, str)}
            known = all(isinstance(path, str) for path in paths) and not any("{" in s for s in segments)
            self._segments = frozenset(segments) if known else None
            self._segments_of = len(self.routes)
        return self._segments


# FastAPI's record of an included router (private; a version of FastAPI without it flattens included routers
# into the including one's routes, and never asks for the version: then every router is its own "below")
_INCLUDED: type = getattr(fastapi.routing, "_IncludedRouter", type(None))


def _routers_below(router: APIRouter) -> list[APIRouter]:
    """`router` and every router it includes, at any depth, each once."""
    found: dict[int, APIRouter] = {}
    waiting = [router]
    while waiting:
        current = waiting.pop()
        if id(current) in found:
            continue
        found[id(current)] = current
        included = [route for route in current.routes if isinstance(route, _INCLUDED)]
        waiting += [route.original_router for route in included]  # type: ignore[attr-defined]
    return list(found.values())


def _first_segment(path: str) -> str:
    return path.lstrip("/").split("/", 1)[0]


def within(prefix: str, router: APIRouter) -> APIRouter:
    """`router` (its paths start with its own prefix) as a router to include under `prefix`: wrapped in a
    `PathRouter` that skips every path not starting with `prefix` + the router's prefix. A router without
    a prefix of its own is returned as it is (any path may be its)."""
    if not router.prefix:
        return router
    wrapper = PathRouter(starts=prefix + router.prefix)
    wrapper.include_router(router)
    return wrapper
