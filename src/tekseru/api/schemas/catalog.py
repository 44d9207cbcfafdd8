"""Response models of /api/v1/catalog: the act's editions, criteria, checklists, groups and edition diffs.

Texts carry all three languages: `kk` is the official text; `ru` and `en` are unofficial working translations.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import AliasChoices, AliasPath, BaseModel, BeforeValidator, ConfigDict, Field

from tekseru.catalog import Checklist, ControlGroup, Severity
from tekseru.services.catalog import CriterionView


class TextOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    kk: str = Field(description="Official Kazakh text.")
    ru: str = Field(description="Unofficial Russian working translation.")
    en: str = Field(description="Unofficial English working translation.")


def _of_edition(name: str) -> AliasChoices:
    """A field read from the edition's metadata (`EditionSummary.edition.edition`), or given by its name."""
    return AliasChoices(AliasPath("edition", "edition", name), name)


# An `EditionSummary`: the edition's metadata, and whether it is in force.
class EditionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str = Field(validation_alias=_of_edition("id"))
    title: TextOut = Field(validation_alias=_of_edition("title"))
    effective_from: date = Field(validation_alias=_of_edition("effective_from"))
    in_force: bool = Field(description="True for the edition in force today.")


class CriterionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    number: int = Field(description="Row number in Appendix 1.")
    source_group: int = Field(description="Information source group, 1 to 4.")
    severity: Severity
    text: TextOut


class ItemRefOut(BaseModel):
    appendix: int
    item: int


class CriterionDetailOut(CriterionOut):
    edition: str
    checklist_items: list[ItemRefOut] = Field(
        description="Checklist items that correspond to this criterion."
    )
    groups: list[str] = Field(description="Control groups to which the criterion applies.")

    @classmethod
    def of_view(cls, view: CriterionView) -> CriterionDetailOut:
        return cls(
            **CriterionOut.model_validate(view.criterion).model_dump(),
            edition=view.edition.id,
            checklist_items=[
                ItemRefOut(appendix=r.checklist.appendix, item=r.item.number) for r in view.items
            ],
            groups=[group.key for group in view.groups],
        )


class ChecklistItemOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    number: int
    criterion: int | None = Field(description="The corresponding criterion of Appendix 1, if there is one.")
    text: TextOut
    note: str | None = None


class ChecklistSummaryOut(BaseModel):
    appendix: int
    title: TextOut
    subject_kind: TextOut
    item_count: int

    @classmethod
    def of(cls, checklist: Checklist) -> ChecklistSummaryOut:
        return cls(
            appendix=checklist.appendix,
            title=TextOut.model_validate(checklist.title),
            subject_kind=TextOut.model_validate(checklist.subject_kind),
            item_count=len(checklist.items),
        )


class ChecklistOut(ChecklistSummaryOut):
    groups: list[str] = Field(description="Control groups whose subjects are checked with this checklist.")
    header_fields: list[str]
    items: list[ChecklistItemOut]

    @classmethod
    def of_checklist(cls, checklist: Checklist, groups: tuple[ControlGroup, ...]) -> ChecklistOut:
        return cls(
            **ChecklistSummaryOut.of(checklist).model_dump(),
            groups=[group.key for group in groups],
            header_fields=list(checklist.header_fields),
            items=[ChecklistItemOut.model_validate(item) for item in checklist.items],
        )


class GroupOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    key: str
    name: TextOut
    checklist_appendix: int
    objective_high_risk: bool = Field(description="High risk by objective criteria (planned for visits).")
    objective_basis: TextOut
    applicable_criteria: Annotated[list[int], BeforeValidator(sorted)] = Field(
        description="Criteria rows counted in the group's score."
    )
    reasoning: str


class ChangeOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    kind: str = Field(description="criterion, checklist item, group, parameter or class bound.")
    key: str
    change: str = Field(description="added, removed or changed.")
    fields: list[str] = Field(description="For a change: the fields that differ.")


class DiffOut(BaseModel):
    # Read from an EditionDiff, whose `old` and `new` are `a` and `b` here.
    model_config = ConfigDict(from_attributes=True)

    a: str = Field(validation_alias=AliasChoices("a", "old"))
    b: str = Field(validation_alias=AliasChoices("b", "new"))
    changes: list[ChangeOut]
