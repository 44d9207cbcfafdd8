"""Models of /api/v1/inspections, /api/v1/checklists and /api/v1/documents: inspections, their checklists,
answers, attachments, violations, revisions and the verification of printed forms (docs/inspections.md)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import AliasChoices, AliasPath, BaseModel, BeforeValidator, ConfigDict, Field

from tekseru.api.schemas.common import CountOf, IdOf, Timestamp

Kind = Literal["preventive_control", "unscheduled_inspection", "compliance_inspection"]
Answer = Literal["required", "not_required", "compliant", "non_compliant"]


class SubjectRefOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    bin: str
    name: str
    region: str = Field(description="Region key.")
    address: str


class InspectionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    series_id: int = Field(description="The id of revision 1, shared by all revisions of the inspection.")
    number: str | None = Field(
        None,
        description="The printed number (region-year-sequence), shared by all revisions; none for one "
        "recorded before inspections were numbered, and in answers about one inspection.",
    )
    subject: SubjectRefOut | None = None
    edition_id: str
    appendix: int = Field(description="The checklist: Appendix 2 to 7 of the act.")
    group_keys: list[str]
    kind: str
    act_number: str
    act_date: date
    inspectors: list[str]
    planned_on: date | None
    inspected_on: date | None
    status: str = Field(description="draft or completed.")
    revision: int
    revises_id: int | None
    reason: str | None = Field(description="Why this revision corrects the one it revises.")
    superseded_by_id: int | None
    created_by: str
    created_at: Timestamp
    completed_by: str | None
    completed_at: Timestamp | None


class InspectionIn(BaseModel):
    bin: str = Field(
        min_length=12, max_length=12, description="The subject's BIN (it must be in the registry)."
    )
    kind: Kind
    act_number: str = Field(
        min_length=1, max_length=64, description="Number of the act appointing the visit."
    )
    act_date: date
    inspectors: list[str] = Field(min_length=1, description="The officials who inspect.")
    planned_on: date | None = None
    appendix: int | None = Field(None, description="The checklist, when the subject's groups have several.")
    reason: Literal["complaint", "follow_up", "request", "other"] | None = Field(
        None, description="Why an unplanned visit is made (a list row's visit starts from the row)."
    )


class AnswerRecordOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    answer: str
    comment: str
    answered_by: str
    answered_at: Timestamp
    version: int = Field(description="Raised by each change; send it back with a change of this answer.")
    deadline: date | None = Field(
        None, description="The remediation deadline proposed for a non-compliant item (yyyy-mm-dd)."
    )


class AttachmentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    item: int | None = Field(description="The item it belongs to; null for the whole inspection.")
    file_name: str
    media_type: str
    size: int
    sha256: str
    added_by: str
    added_at: Timestamp


def _of_record(name: str) -> AliasChoices:
    """A field read from the violation's stored record (`ViolationView.record`), or given by its name."""
    return AliasChoices(AliasPath("record", name), name)


# A `ViolationView`: its status on the day, the rest of its stored record.
class ViolationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    inspection_id: int = Field(
        validation_alias=_of_record("inspection_id"), description="The inspection (revision) that found it."
    )
    item: int = Field(validation_alias=_of_record("item"))
    criterion: int | None = Field(validation_alias=_of_record("criterion"))
    deadline: date | None = Field(validation_alias=_of_record("deadline"))
    status: str = Field(description="open, eliminated, or overdue (open past its deadline).")
    eliminated_on: date | None = Field(validation_alias=_of_record("eliminated_on"))
    note: str = Field(validation_alias=_of_record("note"))
    updated_by: str = Field(validation_alias=_of_record("updated_by"))
    updated_at: Timestamp = Field(validation_alias=_of_record("updated_at"))
    version: int = Field(
        validation_alias=_of_record("version"),
        description="Raised by each change; send it back with a follow-up.",
    )


class ListedViolationOut(ViolationOut):
    subject: SubjectRefOut
    act_number: str = Field(description="The act of the inspection that found it.")
    inspected_on: date | None = Field(description="The day of that inspection.")


# An `ItemView`, read attribute by attribute (a class docstring would change the OpenAPI document).
class ItemOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    number: int
    text: str = Field(description="The requirement, in the language asked for.")
    criterion: int | None = Field(description="The criterion of Appendix 1 it corresponds to, if any.")
    answer: AnswerRecordOut | None
    version: int = Field(description="The version of the item's answer (0: no answer yet), to send back.")
    previous_answer: AnswerRecordOut | None = Field(
        description="Of the previous inspection on this checklist."
    )
    open_violations: list[ViolationOut] = Field(description="Found by earlier inspections, not eliminated.")
    attachments: list[AttachmentOut]


# An `InspectionSheet` layered under the language asked for and its inspection layered over its subject.
class InspectionSheetOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    inspection: InspectionOut
    language: str
    items: list[ItemOut]
    previous_inspection_id: Annotated[int | None, IdOf] = Field(validation_alias="previous")
    violations: list[ViolationOut] = Field(description="Found by this inspection (once completed).")
    attachments: list[AttachmentOut] = Field(description="Attached to the whole inspection.")
    revisions: list[InspectionOut] = Field(description="All revisions of the inspection, the first first.")


VERSION_RULE = (
    " Stale (someone changed it since): 409 with the stored and the given values, and nothing is stored."
    " Left out: the change is written over whatever is stored now."
)


class AnswerIn(BaseModel):
    item: int = Field(ge=1, description="The item's number in the checklist.")
    answer: Answer
    comment: str = Field("", max_length=2000)
    deadline: date | None = Field(
        None,
        description="The remediation deadline proposed for a non-compliant item (yyyy-mm-dd); ignored for"
        " another answer. Left out: none (an answer replaces the item's deadline too).",
    )
    version: int | None = Field(
        None,
        ge=0,
        description="The `version` of the item's answer you read (0: it had no answer)." + VERSION_RULE,
    )


class AnswersIn(BaseModel):
    answers: list[AnswerIn] = Field(
        min_length=1, description="A later answer to an item replaces the earlier."
    )


class ItemVersionOut(BaseModel):
    item: int
    version: int = Field(description="The version of the item's answer now.")


def _by_item(versions: dict[int, int]) -> list[dict[str, int]]:
    return [{"item": item, "version": version} for item, version in sorted(versions.items())]


# Both read from `versions`, the version of each item answered by its number.
class AnsweredOut(BaseModel):
    answered: Annotated[int, CountOf] = Field(
        validation_alias=AliasChoices("versions"), description="How many items were answered."
    )
    versions: Annotated[list[ItemVersionOut], BeforeValidator(_by_item)] = Field(
        description="The version of each item answered, to send next."
    )


class CompleteIn(BaseModel):
    inspected_on: date | None = Field(None, description="The day of the visit (default today).")


def _counted(name: str) -> AliasChoices:
    """A count of the evidence the completion wrote (`CompletionReport.evidence`), or given by its name."""
    return AliasChoices(AliasPath("evidence", name), f"evidence_{name}")


# A `CompletionReport`, read attribute by attribute.
class CompletionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    inspection: InspectionOut
    evidence_created: int = Field(validation_alias=_counted("created"))
    evidence_updated: int = Field(validation_alias=_counted("updated"))
    evidence_removed: int = Field(description="Rows of the revision this one replaces.")
    evidence_used: int = Field(description="Evidence marked used for this visit (preventive control).")
    violations: list[int] = Field(
        validation_alias=AliasChoices("violated_items", "violations"),
        description="Items found non-compliant, each a violation to follow up.",
    )
    unscored_items: list[int] = Field(description="Non-compliant items with no criterion: kept, not scored.")


class RevisionIn(BaseModel):
    reason: str = Field(
        min_length=1, max_length=2000, description="Why the completed inspection is corrected."
    )
    kind: Kind | None = None
    act_number: str | None = Field(None, min_length=1, max_length=64)
    act_date: date | None = None
    inspectors: list[str] | None = Field(None, min_length=1)

    def corrections(self) -> dict[str, Any]:
        values = self.model_dump(exclude={"reason"}, exclude_none=True)
        return {**values, **({"inspectors": tuple(self.inspectors)} if self.inspectors else {})}


class FollowUpIn(BaseModel):
    deadline: date | None = Field(None, description="The remediation deadline.")
    status: Literal["open", "eliminated"] | None = None
    eliminated_on: date | None = Field(None, description="With status eliminated (default today).")
    note: str | None = Field(None, max_length=2000)
    version: int | None = Field(
        None, ge=1, description="The `version` of the violation you read." + VERSION_RULE
    )


class VerificationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    status: str = Field(
        description="ok, altered, unknown or unsealed; signed: the issued form followed by electronic "
        "signatures only, which this check does not verify (docs/signatures.md)."
    )
    message: str
    code: str | None
    inspection_id: int | None
    inspection_number: str | None = Field(
        None, description="The number the inspection goes by (region-year-sequence), as its forms print it."
    )
