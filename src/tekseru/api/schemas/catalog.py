"""Response models of /api/v1/catalog: the act's editions, criteria, checklists, groups and edition diffs.

Texts carry all three languages: `kk` is the official text; `ru` and `en` are unofficial working translations.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import AliasChoices, AliasPath, BaseModel, BeforeValidator, ConfigDict, Field

from tekseru.api.schemas.common import CountOf, IdOf, KeysOf
from tekseru.catalog import Severity


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


# An `ItemRef`: the item's checklist and number.
class ItemRefOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    appendix: int = Field(validation_alias=AliasChoices(AliasPath("checklist", "appendix"), "appendix"))
    item: int = Field(validation_alias=AliasChoices(AliasPath("item", "number"), "item"))


# A `CriterionView` layered over its criterion.
class CriterionDetailOut(CriterionOut):
    edition: Annotated[str, IdOf]
    checklist_items: list[ItemRefOut] = Field(
        validation_alias=AliasChoices("items", "checklist_items"),
        description="Checklist items that correspond to this criterion.",
    )
    groups: Annotated[list[str], KeysOf] = Field(description="Control groups to which the criterion applies.")


class ChecklistItemOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    number: int
    criterion: int | None = Field(description="The corresponding criterion of Appendix 1, if there is one.")
    text: TextOut
    note: str | None = None


class ChecklistSummaryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    appendix: int
    title: TextOut
    subject_kind: TextOut
    item_count: Annotated[int, CountOf] = Field(validation_alias=AliasChoices("items"))


# A `ChecklistView` layered over its checklist.
class ChecklistOut(ChecklistSummaryOut):
    groups: Annotated[list[str], KeysOf] = Field(
        description="Control groups whose subjects are checked with this checklist."
    )
    header_fields: list[str]
    items: list[ChecklistItemOut]


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
    reasoning: TextOut = Field(description="How the group was derived from the act (our own explanation).")


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
