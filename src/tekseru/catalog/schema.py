"""The schema of catalogue data files; every file is validated against it when loaded.

Models are frozen: an edition of the act is a fact, not something the program edits.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

LANGUAGES: tuple[str, ...] = ("kk", "ru", "en")


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Severity(StrEnum):
    """Degree of violation: өрескел / елеулі / болмашы."""

    GROSS = "gross"
    SIGNIFICANT = "significant"
    MINOR = "minor"


class Text(Frozen):
    """A text in the official Kazakh and in unofficial Russian and English working translations."""

    kk: str = Field(min_length=1)
    ru: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def in_language(self, language: str) -> str:
        if language not in LANGUAGES:
            raise ValueError(f"unknown language {language!r}; use one of {', '.join(LANGUAGES)}")
        return str(getattr(self, language))


class LegalAct(Frozen):
    key: str
    kind: str
    title: Text
    numbers: tuple[str, ...] = ()
    signed_on: date | None = None
    registration_number: str | None = None
    registered_on: date | None = None
    note: str | None = None


class Provision(Frozen):
    """An amended text the system quotes (for example paragraph 2 of the criteria)."""

    key: str
    reference: Text
    text: Text


class InformationSource(Frozen):
    group: int = Field(ge=1)
    title: Text


class Edition(Frozen):
    id: str
    title: Text
    effective_from: date
    entry_into_force: Text
    effective_from_note: str
    acts: tuple[LegalAct, ...]
    provisions: tuple[Provision, ...]
    information_sources: tuple[InformationSource, ...]
    unofficial_translation_notice: Text


class Criterion(Frozen):
    number: int = Field(ge=1)
    source_group: int = Field(ge=1)
    severity: Severity
    text: Text


class CriteriaFile(Frozen):
    criteria: tuple[Criterion, ...]


class HeaderField(Frozen):
    key: str
    label: Text


class FormLayout(Frozen):
    """Parts every checklist form shares: header fields, answer columns, signature blocks."""

    appendix_reference: Text  # the line top right of every form; {appendix} is the appendix number
    header_fields: tuple[HeaderField, ...]
    answer_columns: tuple[HeaderField, ...]
    requirements_heading: Text
    number_heading: Text
    signature_blocks: tuple[HeaderField, ...]
    signature_lines: tuple[HeaderField, ...]


class ChecklistItem(Frozen):
    number: int = Field(ge=1)
    criterion: int | None
    text: Text
    note: str | None = None


class Checklist(Frozen):
    appendix: int = Field(ge=2)
    title: Text
    # An editorial note on the title, by the tekseru developers (for example where the act gives two
    # appendices the same title); the title itself stays as the act has it.
    title_note: str | None = None
    subject_kind: Text  # printed under the title of every form, so that forms with one title differ
    header_fields: tuple[str, ...]
    items: tuple[ChecklistItem, ...]
    # The table's heading when this form words it differently from the shared layout (Appendices 5-7 say
    # "Талаптар тізімі" where 2-4 say "Талаптар тізбесі").
    requirements_heading: Text | None = None

    @field_validator("items")
    @classmethod
    def items_numbered_in_order(cls, items: tuple[ChecklistItem, ...]) -> tuple[ChecklistItem, ...]:
        numbers = [item.number for item in items]
        if numbers != list(range(1, len(items) + 1)):
            raise ValueError(f"items must be numbered 1..{len(items)} in order, got {numbers}")
        return items


class ControlGroup(Frozen):
    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: Text
    checklist_appendix: int
    objective_high_risk: bool
    objective_basis: Text
    applicable_criteria: tuple[int, ...]
    reasoning: Text  # our own explanation of how the group was derived from the act, in all three languages


class GroupsFile(Frozen):
    groups: tuple[ControlGroup, ...]


class Parameter(Frozen):
    """One number of the methodology with the act it comes from."""

    key: str
    value: float | int | str | bool
    unit: str | None = None
    description: str
    source_act: str
    source_reference: str


class MethodologyFile(Frozen):
    id: str
    parameters: tuple[Parameter, ...]
    class_bounds: tuple[ClassBound, ...]


class ClassBound(Frozen):
    """A risk class covers scores in (above, up_to]; `above` is null for the lowest class."""

    risk_class: Literal["low", "medium", "high"]
    above: float | None
    up_to: float
    candidate_for_visit: bool


MethodologyFile.model_rebuild()
