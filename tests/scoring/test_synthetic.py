"""The benchmark's synthetic data: deterministic, shaped like the act, and importable as CSV."""

from __future__ import annotations

import csv
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from tekseru.catalog.identifiers import validate_identifier
from tekseru.scoring import NEVER_USED, day_number, score_bulk
from tests.scoring.support import rules_2022

BENCH = Path(__file__).parents[2] / "bench"


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def synthetic() -> ModuleType:
    return load("synthetic")


def test_the_same_seed_gives_the_same_data(synthetic: ModuleType) -> None:
    first, second = synthetic.generate(300, 3_000), synthetic.generate(300, 3_000)
    for name in ("subject_group", "criterion", "source_group", "observed_on", "confirmed", "used_on"):
        assert np.array_equal(getattr(first.evidence, name), getattr(second.evidence, name)), name
    other = synthetic.generate(300, 3_000, seed=1)
    assert not np.array_equal(first.evidence.criterion, other.evidence.criterion)


def test_the_data_has_every_case_the_rules_distinguish(synthetic: ModuleType) -> None:
    data = synthetic.generate(2_000, 40_000)
    evidence, as_of = data.evidence, day_number(data.as_of)
    assert set(np.unique(evidence.source_group).tolist()) == {1, 2, 3, 4}
    complaints = evidence.source_group == 4
    assert set(np.unique(evidence.confirmed[complaints]).tolist()) == {-1, 0, 1}
    assert (evidence.observed_on > as_of).any()
    assert (evidence.observed_on < as_of - 366).any()
    assert ((evidence.used_on != NEVER_USED) & (evidence.used_on <= as_of)).any()
    per_subject = np.bincount(evidence.subject_group, minlength=2_000)
    assert np.median(per_subject) < per_subject.mean() < per_subject.max() / 10  # skewed
    assert data.subjects < data.subject_groups  # some subjects are in two groups
    result = score_bulk(rules_2022(), data.matrix, data.group_of, evidence, data.as_of)
    assert set(np.unique(result.risk_class).tolist()) == {0, 1, 2}


def test_csv_files_for_the_importer(synthetic: ModuleType, tmp_path: Path) -> None:
    data = synthetic.generate(50, 400)
    subjects_path, evidence_path = synthetic.write_csv(data, tmp_path)
    with subjects_path.open(encoding="utf-8", newline="") as handle:
        subjects = list(csv.DictReader(handle))
    with evidence_path.open(encoding="utf-8", newline="") as handle:
        evidence = list(csv.DictReader(handle))
    assert list(subjects[0]) == ["bin", "name", "region", "address", "groups"]
    assert list(evidence[0]) == ["bin", "criterion", "source_group", "observed_on", "reference", "confirmed"]
    assert len(subjects) == data.subjects and len(evidence) == 400
    assert all(validate_identifier(row["bin"]) for row in subjects)
    assert len({row["bin"] for row in subjects}) == len(subjects)
    assert {row["bin"] for row in evidence} <= {row["bin"] for row in subjects}
    assert {group for row in subjects for group in row["groups"].split("|")} <= set(data.matrix.groups)
    assert {row["confirmed"] for row in evidence} <= {"true", "false", ""}


def test_the_baseline_loop_agrees_with_the_bulk_core(synthetic: ModuleType) -> None:
    baseline = load("baseline_loop")
    data = synthetic.generate(400, 8_000)
    rules = rules_2022()
    rows = baseline.sample_rows(data, 400)
    scores = baseline.score_all(rules, baseline.load_groups(data.matrix), data.group_of, rows, data.as_of)
    bulk = score_bulk(rules, data.matrix, data.group_of, data.evidence, data.as_of)
    for row, (score, risk_class) in scores.items():
        assert (score, risk_class) == (float(bulk.score[row]), bulk.class_of(row).value)
