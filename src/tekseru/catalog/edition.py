"""One edition of the act as a whole: everything the rest of tekseru reads about the law."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from tekseru.catalog.schema import (
    Checklist,
    ClassBound,
    ControlGroup,
    Criterion,
    Edition,
    FormLayout,
    MethodologyFile,
    Parameter,
    Severity,
)
from tekseru.message import Explained

if TYPE_CHECKING:
    from tekseru.catalog.information_systems import InformationSystems


class UnknownCatalogueEntry(Explained, LookupError):
    """A criterion, checklist, group or parameter that the edition does not have."""


@dataclass(frozen=True)
class CatalogueEdition:
    edition: Edition
    criteria: Mapping[int, Criterion]
    checklists: Mapping[int, Checklist]
    groups: Mapping[str, ControlGroup]
    methodology: MethodologyFile
    form: FormLayout
    # Source group 3 (`information-systems.yaml`), when the edition folder has it.
    information_systems: InformationSystems | None = None

    @property
    def id(self) -> str:
        return self.edition.id

    @property
    def effective_from(self) -> date:
        return self.edition.effective_from

    def criterion(self, number: int) -> Criterion:
        try:
            return self.criteria[number]
        except KeyError:
            raise UnknownCatalogueEntry(f"criterion {number} is not in edition {self.id}").saying(
                "refusal.catalog.criterion", number=number, edition=self.id
            ) from None

    def checklist(self, appendix: int) -> Checklist:
        try:
            return self.checklists[appendix]
        except KeyError:
            known = ", ".join(str(a) for a in sorted(self.checklists))
            raise UnknownCatalogueEntry(
                f"no checklist in Appendix {appendix} of edition {self.id} (there are {known})"
            ).saying("refusal.catalog.checklist", appendix=appendix, edition=self.id, known=known) from None

    def group(self, key: str) -> ControlGroup:
        try:
            return self.groups[key]
        except KeyError:
            raise UnknownCatalogueEntry(f"control group {key!r} is not in edition {self.id}").saying(
                "refusal.catalog.group", group=key, edition=self.id
            ) from None

    def parameter(self, key: str) -> Parameter:
        for parameter in self.methodology.parameters:
            if parameter.key == key:
                return parameter
        raise UnknownCatalogueEntry(f"methodology parameter {key!r} is not in edition {self.id}").saying(
            "refusal.catalog.parameter", parameter=key, edition=self.id
        )

    def value(self, key: str) -> float | int | str | bool:
        return self.parameter(key).value

    @property
    def class_bounds(self) -> tuple[ClassBound, ...]:
        return self.methodology.class_bounds

    def criteria_where(
        self, *, severity: Severity | None = None, source_group: int | None = None
    ) -> list[Criterion]:
        return [
            criterion
            for criterion in sorted(self.criteria.values(), key=lambda c: c.number)
            if (severity is None or criterion.severity == severity)
            and (source_group is None or criterion.source_group == source_group)
        ]

    def groups_for_checklist(self, appendix: int) -> list[ControlGroup]:
        return [group for group in self.groups.values() if group.checklist_appendix == appendix]
