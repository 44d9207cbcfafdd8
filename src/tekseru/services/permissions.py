"""Who may do what: roles, permissions and the `Actor` every use case is given.

Every service function that reads or changes registry data takes an `Actor` and asks it
(`actor.require(permission, region=...)`) before touching anything, so the rules hold for pages, the API
and the command line alike. An inspector works in one region: the region-bound permissions (`REGIONAL`)
reach only subjects of that region. A service that lists things limits the listing with
`actor.scoped_region(permission, requested_region)`. The semi-annual lists follow one rule, applied by
`tekseru.services.plans.visible_plan` for pages, the API and printed documents alike: an actor bound to a
region reads only approved and published lists (`REGIONAL_PLAN_STATUSES`), and of them only the rows of its
own region.

A controlled subject's account (`Role.SUBJECT`) is bound to one or more BINs (`Actor.bins`) instead of a
region. It holds only the permissions of `BIN_BOUND`, each for its own BINs only (`Actor.can(...,
bin=...)`, `Actor.require_own`): it reads what concerns them (`tekseru.services.portal`) and reports what
it remedied; every other use case refuses it, as it holds none of their permissions. Of the lists it reads
the approved and published ones, only its own rows (`visible_plan`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from tekseru.message import Explained, Message, RegionName, tell


class Role(StrEnum):
    ADMIN = "admin"  # everything, including users and the audit log
    PLANNER = "planner"  # all regions: registry, evidence, imports, assessments, plans
    INSPECTOR = "inspector"  # one region: its subjects, their evidence and inspections
    VIEWER = "viewer"  # reads everything a planner reads, changes nothing
    SUBJECT = "subject"  # a controlled subject: only what concerns its own BINs


class Permission(StrEnum):
    READ_REGISTRY = "registry.read"
    WRITE_EVIDENCE = "evidence.write"
    IMPORT = "imports.run"
    READ_ASSESSMENTS = "assessments.read"
    RUN_ASSESSMENT = "assessments.run"
    READ_PLANS = "plans.read"
    WRITE_PLANS = "plans.write"
    READ_INSPECTIONS = "inspections.read"
    WRITE_INSPECTIONS = "inspections.write"
    MANAGE_USERS = "users.manage"
    READ_AUDIT = "audit.read"
    MANAGE_DATABASE = "database.manage"  # back up and restore the whole database
    CANCEL_JOBS = "jobs.cancel"
    READ_OWN = "own.read"  # a subject reads its inspections, violations, follow-ups and lists
    REPORT_REMEDIATION = "remediation.report"  # a subject reports what it remedied
    REVIEW_REMEDIATION = "remediation.review"  # accept or reject a remediation report
    READ_OUTBOX = "outbox.read"  # the notices waiting, sent and failed (administrators)

    @property
    def said(self) -> Message:
        """What the permission lets one do, as a message (`permission.registry.read`...)."""
        return tell(f"permission.{self.value}")


_READ = frozenset(
    {
        Permission.READ_REGISTRY,
        Permission.READ_ASSESSMENTS,
        Permission.READ_PLANS,
        Permission.READ_INSPECTIONS,
    }
)
_PLAN = _READ | {
    Permission.WRITE_EVIDENCE,
    Permission.IMPORT,
    Permission.RUN_ASSESSMENT,
    Permission.WRITE_PLANS,
    Permission.WRITE_INSPECTIONS,
}
# What only a subject's account holds, each for its own BINs only.
BIN_BOUND = frozenset({Permission.READ_OWN, Permission.REPORT_REMEDIATION})
ROLE_PERMISSIONS: Mapping[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission) - BIN_BOUND,
    Role.PLANNER: _PLAN | {Permission.REVIEW_REMEDIATION},
    Role.INSPECTOR: _READ
    | {Permission.WRITE_EVIDENCE, Permission.WRITE_INSPECTIONS, Permission.REVIEW_REMEDIATION},
    Role.VIEWER: _READ,
    Role.SUBJECT: BIN_BOUND,
}
# Permissions an inspector holds for the subjects of its own region only.
REGIONAL = frozenset(
    {
        Permission.READ_REGISTRY,
        Permission.WRITE_EVIDENCE,
        Permission.READ_ASSESSMENTS,
        Permission.READ_INSPECTIONS,
        Permission.WRITE_INSPECTIONS,
        Permission.REVIEW_REMEDIATION,
    }
)

# The statuses of the semi-annual lists an actor bound to one region may read: drafts are the planners' work.
REGIONAL_PLAN_STATUSES = frozenset({"approved", "published"})


class PermissionDenied(Explained):
    """The actor may not do this (or not in this region)."""


class NotAuthenticated(Explained):
    """Nobody is signed in, or the session ended."""


@dataclass(frozen=True)
class Actor:
    """Who is acting: a signed-in user, or the system (the command line, the demo)."""

    username: str
    role: Role
    region: str | None = None
    full_name: str = ""
    user_id: int | None = None
    bins: frozenset[str] = frozenset()  # a subject's account: the BINs it acts for

    @classmethod
    def system(cls, name: str = "system") -> Actor:
        return cls(username=name, role=Role.ADMIN, full_name=name)

    @property
    def region_scope(self) -> str | None:
        """The one region the actor works in, or None for all regions."""
        return self.region if self.role is Role.INSPECTOR else None

    def can(self, permission: Permission, region: str | None = None, *, bin: str | None = None) -> bool:
        """May the actor do this (to a subject of `region`, or with `bin`, when the action concerns one)?
        A subject's account acts only for its own BINs."""
        if permission not in ROLE_PERMISSIONS[self.role]:
            return False
        if self.role is Role.SUBJECT:
            return bin is None or bin in self.bins
        scope = self.region_scope
        return scope is None or region is None or permission not in REGIONAL or region == scope

    def require(self, permission: Permission, region: str | None = None) -> None:
        if not self.can(permission, region):
            where = f" in region {region}" if region is not None else ""
            denied = PermissionDenied(f"{self.username} ({self.role}) may not {permission.value}{where}")
            said = {"user": self.username, "role": tell(f"role.{self.role}"), "action": permission.said}
            if region is None:
                raise denied.saying("refusal.permission", **said)
            raise denied.saying("refusal.permission_in_region", **said, region=RegionName(region))

    def require_own(self, permission: Permission, bin: str) -> None:
        """Refuse unless the actor may do this for the subject with `bin` (a subject's account: its own
        BINs only; other roles: as `require`)."""
        if not self.can(permission, bin=bin):
            denied = PermissionDenied(
                f"{self.username} ({self.role}) may not {permission.value} for BIN {bin}"
            )
            said = {"user": self.username, "role": tell(f"role.{self.role}"), "action": permission.said}
            raise denied.saying("refusal.permission", **said)

    def scoped_region(self, permission: Permission, requested: str | None = None) -> str | None:
        """The region a listing must be limited to: the requested one (None: all), or the actor's own."""
        self.require(permission, requested)
        return requested if self.region_scope is None or permission not in REGIONAL else self.region_scope

    def may_read_plan(self, status: str) -> bool:
        """May the actor read a semi-annual list in this status (its own region's rows of it, if bound)?"""
        if self.role is Role.SUBJECT:
            return self.can(Permission.READ_OWN) and status in REGIONAL_PLAN_STATUSES
        if not self.can(Permission.READ_PLANS):
            return False
        return self.region_scope is None or status in REGIONAL_PLAN_STATUSES
