"""docs/backtesting.md runs as written, in a fresh folder, and its figures are what the command prints."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

from openpyxl import load_workbook

from tests.test_docs import run

DOC = (Path(__file__).parents[2] / "docs" / "backtesting.md").read_text(encoding="utf-8")


def test_the_documented_commands_run_and_recompute_the_documented_figures(tmp_path: Path) -> None:
    block = re.search(r"```sh\n(.*?)```", DOC, flags=re.DOTALL)
    assert block is not None
    commands = [shlex.split(line) for line in block.group(1).splitlines() if line.strip()]
    assert [command[:2] for command in commands][:2] == [["tekseru", "demo"], ["tekseru", "backtest"]]
    printed = ""
    for command in commands:
        done = run(tmp_path, command)
        assert done.returncode == 0, f"{shlex.join(command)}:\n{done.stdout}{done.stderr}"
        assert "Traceback" not in done.stdout + done.stderr
        printed += done.stdout
    assert "Записана синтетическая история: 120 субъектов" in printed
    assert "Реттерді салыстыру" in printed  # the kk table's title
    shown = json.loads(re.search(r"```json\n(.*?)```", DOC, flags=re.DOTALL).group(1))  # type: ignore[union-attr]
    computed = json.loads((tmp_path / "backtest.json").read_text(encoding="utf-8"))
    for order, figures in shown.items():
        assert {key: computed["overall"][order][key] for key in figures} == figures, order
    tekseru, random = computed["overall"]["tekseru"], computed["overall"]["random_within_region"]
    assert f"{tekseru['hit_rate']:.3f} in the risk order against {random['hit_rate']:.3f}" in DOC
    workbook = load_workbook(tmp_path / "backtest.xlsx")
    assert workbook.sheetnames[0] == "Сравнение порядков" and len(workbook.sheetnames) == 5
