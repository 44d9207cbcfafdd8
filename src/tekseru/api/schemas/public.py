"""Models of the public register (no sign-in) and of the outbox (administrators)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from tekseru.api.schemas.common import Timestamp


class PublicListSummaryOut(BaseModel):
    id: int = Field(description="The list's number: its page is /public/lists/{id}.")
    half_year: str = Field(description="2027-H1 or 2027-H2.")
    published_on: date | None
    rows_by_region: dict[str, int] = Field(description="Rows on the list by region key.")
    total: int


class PublicGroupOut(BaseModel):
    key: str
    name: str


class PublicRowOut(BaseModel):
    number: int
    natural_person: bool = Field(description="An individual entrepreneur: no identifier, name or address.")
    bin: str | None
    name: str
    region: str
    region_name: str
    address: str | None
    groups: list[PublicGroupOut]
    planned_month: int | None
    planned_month_name: str | None


class PublicListOut(BaseModel):
    id: int
    half_year: str
    half_year_name: str
    language: str = Field(description="kk or ru: the language of the names.")
    state_body: str
    approved_on: date | None
    published_on: date | None
    rows: list[PublicRowOut]


class OutboxMessageOut(BaseModel):
    id: int
    kind: str
    recipient: str
    subject: str
    status: str = Field(description="pending, sending, sent or failed.")
    attempts: int
    next_attempt_at: Timestamp
    last_error: str | None
    created_at: Timestamp
    sent_at: Timestamp | None


class OutboxOut(BaseModel):
    counts: dict[str, int] = Field(description="Messages by status.")
    messages: list[OutboxMessageOut]
