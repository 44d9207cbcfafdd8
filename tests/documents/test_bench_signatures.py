"""The signatures benchmark runs and checks what it signs (its figures are in docs/PERFORMANCE.md)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

BENCH = Path(__file__).parents[2] / "bench" / "bench_signatures.py"


def test_the_benchmark_signs_verifies_and_reports(capsys: pytest.CaptureFixture[str]) -> None:
    spec = importlib.util.spec_from_file_location("bench_signatures", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main(["--count", "2"])
    printed = capsys.readouterr().out
    for operation in ("PAdES: sign", "PAdES: verify", "CMS: sign", "CMS: verify"):
        assert f"| {operation}" in printed
    assert "every verification held" in printed
