"""The main navigation: a section appears in it when its page router is included, and not before.

Sections are listed in the order of `NAV_ORDER`; each names its label message (`nav.<key>`), the route its
link opens, the path prefix whose pages belong to it (marked `aria-current` in the navigation) and the
permission a user needs to see it (None: everyone, signed in or not).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tekseru.services.permissions import Actor, Permission

NAV_ORDER: tuple[str, ...] = (
    "my",
    "dashboard",
    "visits",
    "registry",
    "assessments",
    "plans",
    "inspections",
    "remediation",
    "rosters",
    "backtest",
    "imports",
    "catalog",
    "admin",
)


@dataclass(frozen=True)
class Section:
    key: str
    route_name: str
    prefix: str
    permission: Permission | None = None
    all_regions: bool = False  # its page covers every region: not for a user bound to one

    @property
    def label_key(self) -> str:
        return f"nav.{self.key}"

    def contains(self, path: str) -> bool:
        if self.prefix == "/":
            return path == "/"
        return path == self.prefix or path.startswith(self.prefix.rstrip("/") + "/")


def visible(sections: Iterable[Section], actor: Actor | None) -> tuple[Section, ...]:
    """The sections this actor (None: nobody signed in) may open."""
    return tuple(
        s
        for s in sections
        if (s.permission is None or (actor is not None and actor.can(s.permission)))
        and not (s.all_regions and (actor is None or actor.region_scope is not None))
    )


def ordered(sections: Iterable[Section]) -> tuple[Section, ...]:
    sections = tuple(sections)
    unknown = [s.key for s in sections if s.key not in NAV_ORDER]
    if unknown:
        raise ValueError(f"sections {unknown} are not in NAV_ORDER {NAV_ORDER}")
    return tuple(sorted(sections, key=lambda s: NAV_ORDER.index(s.key)))
