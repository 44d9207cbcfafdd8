"""tekseru: risk-based state control of special social services (Kazakhstan).

The names below are the Python library's public API: the act's catalogue, the risk score and the
semi-annual list, all pure functions over plain values (docs/library.md). Anything else under `tekseru.`
is internal and may change without notice. The database, documents and interfaces are reached through
the command line, the HTTP API or `tekseru.services`.
"""

from importlib.metadata import PackageNotFoundError, version

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

try:
    __version__ = version("tekseru")
except PackageNotFoundError:  # imported from a source tree that was never installed
    __version__ = "0+unknown"

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
