"""The Python library's public names are a promise: pinned here, and every example in docs/library.md runs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import tekseru

DOC = Path(__file__).parents[1] / "docs" / "library.md"

PUBLIC_NAMES = {
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
}


def test_public_names_are_pinned() -> None:
    assert set(tekseru.__all__) == PUBLIC_NAMES
    for name in tekseru.__all__:
        assert hasattr(tekseru, name), name


def _examples() -> list[str]:
    return re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.DOTALL)


def test_the_page_has_examples() -> None:
    assert len(_examples()) >= 2


@pytest.mark.parametrize("number", range(len(_examples())))  # every example on the page
def test_library_example_runs(number: int, capsys: pytest.CaptureFixture[str]) -> None:
    exec(compile(_examples()[number], f"docs/library.md example {number + 1}", "exec"), {})
    printed = capsys.readouterr().out
    assert printed.strip(), "an example must print its result"


def test_assessment_example_prints_a_score_class_and_reasons(capsys: pytest.CaptureFixture[str]) -> None:
    exec(compile(_examples()[0], "docs/library.md example 1", "exec"), {})
    lines = capsys.readouterr().out.splitlines()
    score, risk_class = lines[0].split()
    assert 0 <= float(score) <= 100
    assert risk_class in {c.value for c in tekseru.RiskClass}
    assert any("критери" in line for line in lines[1:])


def test_list_example_ranks_the_gross_subject_first(capsys: pytest.CaptureFixture[str]) -> None:
    exec(compile(_examples()[1], "docs/library.md example 2", "exec"), {})
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith("1 Care home 100.0 high")
