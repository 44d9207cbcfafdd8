"""`tekseru import` takes today's date in the `time_zone` setting's zone (Asia/Almaty by default), not the
machine's or UTC's: at 23:30 UTC it is already the next morning in Kazakhstan, and evidence found that
morning was refused as "in the future (today is <yesterday>)" (tester finding 4), in kk and ru."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tekseru.cli.main import app
from tekseru.i18n import formats
from tests.databases import migrated_sqlite_file

BIN = "990140000384"


class _LateEveningUtc(datetime):
    """Now is 23:30 UTC of the real day (04:30 of the next day in Almaty)."""

    @classmethod
    def now(cls, tz: object = None) -> _LateEveningUtc:  # type: ignore[override]
        real = datetime.now(UTC)
        return cls(real.year, real.month, real.day, 23, 30, tzinfo=UTC)


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_evidence_of_the_morning_in_almaty_is_not_in_the_future(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    monkeypatch.setattr(formats, "datetime", _LateEveningUtc)
    database = tmp_path / "tekseru.sqlite3"
    shutil.copyfile(migrated_sqlite_file(), database)
    almaty_morning = datetime.now(UTC).date() + timedelta(days=1)
    subjects, evidence = tmp_path / "subjects.csv", tmp_path / "evidence.csv"
    subjects.write_text(
        f"bin,name,region,address,groups\n{BIN},Мейірім үйі,abai,,stationary_care\n", encoding="utf-8"
    )
    evidence.write_text(
        "bin,criterion,source_group,observed_on,reference,confirmed\n"
        f"{BIN},7,,{almaty_morning.isoformat()},Акт № 1,\n",
        encoding="utf-8",
    )
    monkeypatch.delenv("TEKSERU_TIME_ZONE", raising=False)
    env = {"TEKSERU_DATABASE_URL": f"sqlite:///{database}", "COLUMNS": "200"}
    runner = CliRunner()
    for kind, file in (("subjects", subjects), ("evidence", evidence)):
        done = runner.invoke(app, ["import", kind, str(file), "--lang", lang], env=env)
        assert done.exit_code == 0, done.output
