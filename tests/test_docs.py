"""Docs that cannot drift: settings, CLI commands and documents named in README must exist, README's tour
runs as written and every example file of the docs is accepted."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import typer.main
from typer.testing import CliRunner

from tekseru.cli.main import app
from tekseru.intake import SUBJECT_COLUMNS, ImportFileError, open_table
from tekseru.settings import documented_settings
from tests.databases import migrated_sqlite_file

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


# The README tour and the docs' example files, run as a user runs them ----------------------------------

EXAMPLE_BLOCK = re.compile(r"^```(csv|json)\n(.*?)^```", flags=re.DOTALL | re.MULTILINE)


@dataclass(frozen=True)
class Example:
    """An example input file shown in docs/: what it is for, and where it stands."""

    kind: str  # subjects, evidence or answers: also the stem of the file name the README tour uses
    where: str
    suffix: str
    text: str


def _kind(language: str, text: str) -> str | None:
    if language == "json":
        data = json.loads(text)
        items = data.get("answers") if isinstance(data, dict) else data
        is_answers = isinstance(items, list) and all(isinstance(i, dict) and "item" in i for i in items)
        return "answers" if is_answers else None  # other JSON in docs shows what a command prints
    header = {name.strip().lower() for name in re.split(r"[,;]", text.splitlines()[0])}
    for kind, columns in (
        ("subjects", {"bin", "name", "region", "groups"}),
        ("evidence", {"bin", "criterion", "observed_on", "reference"}),
        ("answers", {"item", "answer"}),
        ("roster", {"iin", "bin", "form", "start_date"}),
        ("deliveries", {"iin", "bin", "kind", "planned", "delivered"}),
        ("findings", {"object", "bin", "element", "found_on"}),
    ):
        if columns <= header:
            return kind
    raise AssertionError(f"a CSV example whose kind the docs test does not know: {text.splitlines()[0]!r}")


def docs_examples() -> list[Example]:
    found = []
    for path in sorted((ROOT / "docs").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        for match in EXAMPLE_BLOCK.finditer(text):
            kind = _kind(match.group(1), match.group(2))
            if kind is not None:
                line = text.count("\n", 0, match.start()) + 1
                where = f"{path.relative_to(ROOT)}:{line}"
                found.append(Example(kind, where, f".{match.group(1)}", match.group(2)))
    return found


def tour_commands() -> list[list[str]]:
    """The commands of README's tour block, in order (comments and continued lines read as a shell does)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    tour = readme.split("## Using it", 1)[1]
    block = re.search(r"```sh\n(.*?)```", tour, flags=re.DOTALL)
    assert block, "README's tour has no sh block"
    joined = re.sub(r"\\\n", " ", block.group(1))
    return [
        shlex.split(line, comments=True) for line in joined.splitlines() if shlex.split(line, comments=True)
    ]


def _tekseru() -> list[str]:
    script = Path(sys.executable).with_name("tekseru")
    return [str(script)] if script.exists() else [sys.executable, "-m", "tekseru"]


def _environment(folder: Path) -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("TEKSERU_")}
    return {**environment, "TEKSERU_ATTACHMENTS_DIR": str(folder / "attachments"), "COLUMNS": "120"}


def run(folder: Path, command: list[str]) -> subprocess.CompletedProcess[str]:
    """Run a command of the docs in `folder`, with the environment of a user who set no TEKSERU_ variable.

    A `tekseru` command runs in this process, through the very `app` the `tekseru` program runs, with the
    same arguments, folder and environment: a new interpreter would only import the same modules again (two
    seconds of a core per command). The program itself starts as a process in `check_serve` and in
    tests/cli/test_main.py. A crash reads as in a terminal: exit code 1 and a Traceback on stderr."""
    if command[0] != "tekseru":
        return subprocess.run(
            command, cwd=folder, env=_environment(folder), capture_output=True, text=True, timeout=600
        )
    hidden: dict[str, str | None] = {name: None for name in os.environ if name.startswith("TEKSERU_")}
    overrides = {name: value for name, value in _environment(folder).items() if os.environ.get(name) != value}
    with contextlib.chdir(folder):
        done = CliRunner().invoke(app, command[1:], env={**hidden, **overrides}, catch_exceptions=True)
    stderr = done.stderr
    if done.exception is not None and not isinstance(done.exception, SystemExit):
        stderr += "".join(traceback.format_exception(done.exception))
    return subprocess.CompletedProcess(command, done.exit_code, done.stdout, stderr)


def check_serve(folder: Path, command: list[str]) -> None:
    """Start the server as the command says (on a free port), see it answer, and stop it."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    program = _tekseru() + command[1:] + ["--port", str(port)]
    server = subprocess.Popen(
        program,
        cwd=folder,
        env=_environment(folder),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline, answer = time.monotonic() + 180, None
        while answer is None and time.monotonic() < deadline and server.poll() is None:
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=2)
            except httpx.TransportError:
                time.sleep(0.3)
        assert answer is not None and answer.status_code == 200, f"{shlex.join(command)} did not answer"
        assert httpx.get(f"http://127.0.0.1:{port}/login", timeout=10).status_code == 200
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=60)
    assert f"tekseru: http://127.0.0.1:{port}/" in output, output


def write_examples(folder: Path, examples: list[Example]) -> None:
    """`KIND.csv` (and `.json`) for each kind of example, from the first one of the docs."""
    for example in examples:
        target = folder / f"{example.kind}{example.suffix}"
        if not target.exists():
            target.write_text(example.text, encoding="utf-8")


TOUR_FILES = ("answers.csv", "evidence.csv", "subjects.csv")


def test_the_examples_folder_holds_the_tours_files_as_the_docs_show_them() -> None:
    """examples/ holds exactly the files README's tour imports, each the first example of its kind in docs/
    (what `write_examples` writes), so a newcomer copies them instead of copying them out of the docs."""
    folder = ROOT / "examples"
    assert sorted(path.name for path in folder.iterdir()) == list(TOUR_FILES)
    shown = {}
    for example in docs_examples():
        shown.setdefault(f"{example.kind}{example.suffix}", example)
    for name in TOUR_FILES:
        assert (folder / name).read_text(encoding="utf-8") == shown[name].text, (
            f"examples/{name} differs from the example at {shown[name].where}"
        )
    assert "`examples/`" in (ROOT / "README.md").read_text(encoding="utf-8").split("## Using it", 1)[1]


def test_the_docs_show_an_example_of_each_input_file() -> None:
    kinds = {(example.kind, example.suffix) for example in docs_examples()}
    assert {("subjects", ".csv"), ("evidence", ".csv"), ("answers", ".csv"), ("answers", ".json")} <= kinds


def test_every_example_file_of_the_docs_is_accepted(tmp_path: Path) -> None:
    examples = docs_examples()
    subjects = next(example for example in examples if example.kind == "subjects")
    for number, example in enumerate(examples):
        folder = tmp_path / str(number)  # each on a fresh database (the default file, migrated already)
        folder.mkdir()
        shutil.copyfile(migrated_sqlite_file(), folder / "tekseru.sqlite3")
        file = folder / f"example{example.suffix}"
        file.write_text(example.text, encoding="utf-8")
        steps: list[list[str]] = []
        if example.kind != "subjects":
            (folder / "subjects.csv").write_text(subjects.text, encoding="utf-8")
            steps.append(["tekseru", "import", "subjects", "subjects.csv"])
        if example.kind == "answers":
            bin_ = subjects.text.splitlines()[1].split(",")[0]
            steps.append(["tekseru", "inspection", "create", "--bin", bin_, "--kind", "preventive_control"])
            steps[-1] += ["--act-number", "1", "--act-date", "2024-01-10", "--inspector", "Тексеруші"]
        steps.append(
            {
                "subjects": ["tekseru", "import", "subjects", file.name],
                "evidence": ["tekseru", "import", "evidence", file.name],
                "answers": ["tekseru", "inspection", "answer", "1", file.name],
                "roster": ["tekseru", "rosters", "import", "provider", file.name],
                "deliveries": ["tekseru", "rosters", "deliveries", file.name],
                "findings": ["tekseru", "rosters", "findings", file.name],
            }[example.kind]
        )
        for step in steps:
            done = run(folder, step)
            assert done.returncode == 0, f"{example.where}: {shlex.join(step)}\n{done.stdout}{done.stderr}"


def test_the_readme_tour_runs_as_written(tmp_path: Path) -> None:
    commands = tour_commands()
    assert commands[0][:2] == ["tekseru", "demo"]
    for name in TOUR_FILES:  # as README says: the files of examples/, then any other the docs show
        shutil.copyfile(ROOT / "examples" / name, tmp_path / name)
    write_examples(tmp_path, docs_examples())
    for command in commands:
        if command[:2] == ["tekseru", "serve"]:
            check_serve(tmp_path, command)
            continue
        done = run(tmp_path, command)
        assert done.returncode == 0, (
            f"{shlex.join(command)} exited {done.returncode}:\n{done.stdout}{done.stderr}"
        )
        assert "Traceback" not in done.stdout + done.stderr, shlex.join(command)
        for name in re.findall(r"--output (\S+)", shlex.join(command)):
            assert (tmp_path / name).stat().st_size > 0, name


def test_every_test_file_the_docs_name_exists() -> None:
    for document in (ROOT / "docs").glob("*.md"):
        for named in re.findall(r"`(tests/[\w/]+\.py)`", document.read_text(encoding="utf-8")):
            assert (ROOT / named).exists(), f"{document.name} names {named}, which does not exist"


def test_the_dot_env_example_of_the_settings_is_read(tmp_path: Path) -> None:
    settings_doc = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    block = re.search(
        r"in the current folder, `tekseru db upgrade`.*?:\n\n((?:    .*\n)+)", settings_doc, re.DOTALL
    )
    assert block, "docs/settings.md shows no .env example"
    (tmp_path / ".env").write_text(re.sub(r"(?m)^    ", "", block.group(1)), encoding="utf-8")
    done = run(tmp_path, ["tekseru", "db", "upgrade"])
    assert done.returncode == 0, done.stdout + done.stderr
    assert (tmp_path / "registry.sqlite3").stat().st_size > 0
    refused = run(tmp_path, ["tekseru", "import", "subjects", "missing.csv"])
    assert refused.returncode != 0 and "Ничего не сохранено" in refused.stdout + refused.stderr, (
        refused.stderr
    )


def test_security_md_has_its_sections_and_every_test_it_names_exists() -> None:
    """docs/SECURITY.md: the threat model, the sign-in policy, the test map and how to report a
    vulnerability; every test file it names exists, and so does every test named beside it."""
    security = (ROOT / "docs" / "SECURITY.md").read_text(encoding="utf-8")
    for heading in (
        "## Threat model",
        "## Sign-in policy",
        "## What each test covers",
        "## Reporting a vulnerability",
    ):
        assert heading in security, heading
    map_rows = [
        line for line in security.split("## What each test covers", 1)[1].splitlines() if line[:1] == "|"
    ]
    named = 0
    for row in map_rows:
        for cell in re.finditer(r"`(tests/[\w/]+\.py)`( \(([^)]*)\))?", row):
            path = ROOT / cell[1]
            assert path.exists(), cell[1]
            source = path.read_text(encoding="utf-8")
            for test in re.findall(r"`(test_\w+)`", cell[3] or ""):
                assert re.search(rf"def {test}\(", source), f"{cell[1]}::{test}"
                named += 1
    assert named >= 40


UTF16_WITHOUT_MARK = (
    "UTF-16 LE or BE without it when the file starts with its header row"
    " (as every file of these formats does)"
)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_what_the_docs_say_of_utf16_without_its_mark_is_what_the_importer_does(
    tmp_path: Path, encoding: str
) -> None:
    """docs/import-formats.md: UTF-16 without a byte order mark is read when it starts with the header (the
    columns' names are ASCII), and refused (`unreadable_file`) only when it does not."""
    doc = " ".join((ROOT / "docs" / "import-formats.md").read_text(encoding="utf-8").split())
    assert UTF16_WITHOUT_MARK in doc
    assert "UTF-16 without its byte order mark that does not start with the header row" in doc
    subjects = next(example for example in docs_examples() if example.kind == "subjects")
    file = tmp_path / "subjects.csv"
    file.write_bytes(subjects.text.encode(encoding))
    with open_table(file, SUBJECT_COLUMNS) as table:
        rows = [row for row in table.rows]
        assert table.header[0] == "bin" and len(rows) == len(subjects.text.strip().splitlines()) - 1
    headless = tmp_path / "headless.csv"
    headless.write_bytes("Мейірім үйі,bin,name,region,groups\n".encode(encoding))
    with pytest.raises(ImportFileError), open_table(headless, SUBJECT_COLUMNS) as table:
        list(table.rows)
