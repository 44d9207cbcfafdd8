"""Docs that cannot drift: settings, CLI commands and documents named in README must exist."""

from __future__ import annotations

import re
from pathlib import Path

import typer.main

from tekseru.cli.main import app
from tekseru.settings import documented_settings

ROOT = Path(__file__).parents[1]


def test_every_setting_is_documented() -> None:
    settings_doc = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    for name, env, default, _ in documented_settings():
        assert f"| `{name}` | `{env}` | `{default}` |" in settings_doc, name


def test_every_document_readme_links_exists() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for target in re.findall(r"\]\(([^)#]+)\)", readme):
        if not target.startswith("http"):
            assert (ROOT / target).exists(), target


def test_readme_commands_exist() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    group = typer.main.get_group(app)
    for command in re.findall(r"^tekseru ([a-z-]+)", readme, flags=re.MULTILINE):
        assert command in group.commands, command


def test_quick_start_has_two_commands_and_ci_runs_the_second() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick_start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", quick_start, flags=re.DOTALL)
    assert len(blocks) == 2
    assert blocks[1].strip() in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
