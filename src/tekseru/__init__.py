"""tekseru: risk-based state control of special social services (Kazakhstan).

The names below are the Python library's public API: the act's catalogue, the risk score and the
semi-annual list, all pure functions over plain values (docs/library.md). Anything else under `tekseru.`
is internal and may change without notice. The database, documents and interfaces are reached through
the command line, the HTTP API or `tekseru.services`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported when first used (below), so that `import tekseru.<module>` stays quick
    from tekseru.catalog import (
        LANGUAGES,
        Catalogue,
        CatalogueEdition,
        Checklist,
        ChecklistItem,
        ControlGroup,
        Criterion,
        NoEditionInForce,
        Severity,
        Text,
        UnknownCatalogueEntry,
    )
    from tekseru.catalog_files import load_catalogue
    from tekseru.i18n import explain_words
    from tekseru.planning import (
        CandidateScore,
        Capacity,
        HalfYear,
        Plan,
        PlanningRules,
        PlanRow,
        VisitHistory,
        form_plan,
    )
    from tekseru.scoring import (
        CriterionHit,
        EvidenceFact,
        GroupProfile,
        GroupScore,
        IgnoredEvidence,
        IgnoreReason,
        MethodologyError,
        RiskClass,
        ScoringRules,
        explain,
        score_group,
    )

    __version__: str


def __getattr__(name: str) -> Any:
    """A public name, imported from its module the first time it is read."""
    value: Any
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            value = version("tekseru")
        except PackageNotFoundError:  # imported from a source tree that was never installed
            value = "0+unknown"
    elif name == "load_catalogue":
        from tekseru.catalog_files import load_catalogue as value
    elif name == "explain_words":
        from tekseru.i18n import explain_words as value
    elif name in _CATALOG:
        from tekseru import catalog

        value = getattr(catalog, name)
    elif name in _PLANNING:
        from tekseru import planning

        value = getattr(planning, name)
    elif name in _SCORING:
        from tekseru import scoring

        value = getattr(scoring, name)
    else:
        raise AttributeError(f"module 'tekseru' has no attribute {name!r}")
    globals()[name] = value
    return value


_CATALOG = {
    "LANGUAGES",
    "Catalogue",
    "CatalogueEdition",
    "Checklist",
    "ChecklistItem",
    "ControlGroup",
    "Criterion",
    "NoEditionInForce",
    "Severity",
    "Text",
    "UnknownCatalogueEntry",
}
_PLANNING = {
    "CandidateScore",
    "Capacity",
    "HalfYear",
    "Plan",
    "PlanningRules",
    "PlanRow",
    "VisitHistory",
    "form_plan",
}
_SCORING = {
    "CriterionHit",
    "EvidenceFact",
    "GroupProfile",
    "GroupScore",
    "IgnoredEvidence",
    "IgnoreReason",
    "MethodologyError",
    "RiskClass",
    "ScoringRules",
    "explain",
    "score_group",
}

__all__ = [
    "LANGUAGES",
    "CandidateScore",
    "Capacity",
    "Catalogue",
    "CatalogueEdition",
    "Checklist",
    "ChecklistItem",
    "ControlGroup",
    "Criterion",
    "CriterionHit",
    "EvidenceFact",
    "GroupProfile",
    "GroupScore",
    "HalfYear",
    "IgnoreReason",
    "IgnoredEvidence",
    "MethodologyError",
    "NoEditionInForce",
    "Plan",
    "PlanRow",
    "PlanningRules",
    "RiskClass",
    "ScoringRules",
    "Severity",
    "Text",
    "UnknownCatalogueEntry",
    "VisitHistory",
    "__version__",
    "explain",
    "explain_words",
    "form_plan",
    "load_catalogue",
    "score_group",
]
