"""`/api/v1/users`: user accounts (admins only)."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from tekseru.api.schemas.accounts import (
    CredentialsOut,
    PasswordIn,
    UserChangeIn,
    UserCreatedOut,
    UserIn,
    UserOut,
)
from tekseru.api.schemas.common import FORBIDDEN_RESPONSE, NOT_FOUND_RESPONSE
from tekseru.catalog.regions import Regions
from tekseru.http.dependencies import get_database, get_passwords, get_regions
from tekseru.http.security import api_actor
from tekseru.services.accounts import create_user, get_user, list_users, set_password, update_user
from tekseru.services.auth import Database
from tekseru.services.passwords import Passwords
from tekseru.services.permissions import Actor

router = APIRouter(prefix="/users", tags=["users"], responses={**NOT_FOUND_RESPONSE, **FORBIDDEN_RESPONSE})

Db = Depends(get_database)
Signed = Depends(api_actor)
Hashing = Depends(get_passwords)
Regioned = Depends(get_regions)


@router.get("", response_model=list[UserOut], summary="Every user", name="api_users_users")
def users(actor: Actor = Signed, db: Database = Db) -> list[UserOut]:
    return [UserOut.model_validate(user) for user in list_users(db, actor)]


@router.post(
    "", response_model=UserCreatedOut, status_code=201, summary="Create a user", name="api_users_create"
)
def create(
    body: UserIn,
    actor: Actor = Signed,
    db: Database = Db,
    passwords: Passwords = Hashing,
    regions: Regions = Regioned,
) -> UserCreatedOut:
    user, credentials = create_user(
        db,
        actor,
        username=body.username,
        full_name=body.full_name,
        role=body.role.value,
        region=body.region,
        password=body.password,
        bins=body.bins,
        passwords=passwords,
        regions=regions,
    )
    return UserCreatedOut(
        user=UserOut.model_validate(user), credentials=CredentialsOut.model_validate(credentials)
    )


@router.get("/{username}", response_model=UserOut, summary="One user", name="api_users_user")
def user(username: str, actor: Actor = Signed, db: Database = Db) -> UserOut:
    return UserOut.model_validate(get_user(db, actor, username))


@router.patch(
    "/{username}",
    response_model=UserOut,
    summary="Change a user's name, role, region or activity",
    name="api_users_change",
)
def change(
    username: str, body: UserChangeIn, actor: Actor = Signed, db: Database = Db, regions: Regions = Regioned
) -> UserOut:
    role = None if body.role is None else body.role.value
    changed = update_user(
        db,
        actor,
        username,
        full_name=body.full_name,
        role=role,
        region=body.region,
        active=body.active,
        bins=body.bins,
        regions=regions,
    )
    return UserOut.model_validate(changed)


@router.post(
    "/{username}/password",
    response_model=CredentialsOut,
    summary="Set a new password (ends sessions)",
    name="api_users_password",
)
def password(
    username: str, body: PasswordIn, actor: Actor = Signed, db: Database = Db, passwords: Passwords = Hashing
) -> CredentialsOut:
    credentials = set_password(db, actor, username, body.password, passwords=passwords)
    return CredentialsOut.model_validate(credentials)
