"""Models of /api/v1/auth, /api/v1/users and /api/v1/audit: sessions, users and the audit log."""

from __future__ import annotations

from typing import Any

from pydantic import AliasChoices, BaseModel, ConfigDict, Field

from tekseru.api.schemas.common import Timestamp
from tekseru.services.permissions import Role


class LoginIn(BaseModel):
    username: str = Field(max_length=64)
    password: str = Field(max_length=1024)


# An `Actor`: its region is the one it works in (`region_scope`).
class MeOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    username: str
    full_name: str
    role: Role
    region: str | None = Field(
        validation_alias=AliasChoices("region_scope", "region"),
        description="An inspector's region key; null for roles that see every region.",
    )


class SessionOut(MeOut):
    csrf_token: str = Field(
        description="Send it as the X-CSRF-Token header with every POST, PUT, PATCH, DELETE."
    )
    expires_at: Timestamp


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    username: str
    full_name: str
    role: Role
    region: str | None
    active: bool
    created_at: Timestamp
    updated_at: Timestamp
    bins: list[str] = Field([], description="A controlled subject's account: the BINs it acts for.")


class UserIn(BaseModel):
    username: str = Field(description="2 to 64 of a-z, 0-9, '.', '_', '-'; stored in lower case.")
    full_name: str = ""
    role: Role
    region: str | None = Field(None, description="Required for an inspector: a region key or name.")
    password: str | None = Field(None, description="At least 10 characters; omit it for a random one.")
    bins: list[str] = Field([], description="Required for a controlled subject (role subject): its BINs.")


class UserChangeIn(BaseModel):
    full_name: str | None = None
    role: Role | None = None
    region: str | None = None
    active: bool | None = None
    bins: list[str] | None = Field(None, description="A controlled subject's BINs (replaces them).")


class PasswordIn(BaseModel):
    password: str | None = Field(None, description="At least 10 characters; omit it for a random one.")


class CredentialsOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    username: str
    password: str = Field(description="Shown once; tekseru keeps only its argon2 hash.")


class UserCreatedOut(BaseModel):
    user: UserOut
    credentials: CredentialsOut


class AuditEntryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    at: Timestamp
    actor: str
    action: str = Field(description="<entity>.<verb>, e.g. user.create, evidence.add, import.subjects.")
    entity: str
    entity_key: str
    region: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None


class AuditPageOut(BaseModel):
    # Read from an AuditPage, whose `entries` are the `items` here.
    model_config = ConfigDict(from_attributes=True)

    items: list[AuditEntryOut] = Field(validation_alias=AliasChoices("items", "entries"))
    total: int
    page: int
    per_page: int


class AuditProblemOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    kind: str = Field(
        description="edited, inserted, deleted (entries), record_edited, record_deleted, record_unsealed "
        "(completed inspections and approved lists), anchor."
    )
    message: str
    entry_id: int | None = Field(description="The audit entry it concerns, if any.")
    entity: str | None = Field(description="inspection or plan, for a record.")
    key: str | None = Field(description="The record's id, for a record.")


class AuditVerificationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    ok: bool
    entries: int = Field(description="Audit entries read.")
    records_checked: int = Field(description="Completed inspections and approved or published lists.")
    head_hash: str = Field(description="The last entry's hash: keep it elsewhere to check against later.")
    problems: list[AuditProblemOut] = Field(description="In the order found: the first is the first bad one.")
