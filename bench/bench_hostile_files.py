"""How long reading hostile import files takes: each must be read, or refused, in well under a second.

    .venv/bin/python bench/bench_hostile_files.py [--repeat 5]

Writes each file to a temporary folder and times `open_table` reading it to the end (best of the runs):
a 5 KB workbook with a value at XFD1048576 (refused), a workbook whose stated size is XFD1048576 but whose
far cells are empty (read), a CSV with a 200,000-character field, one with a quote left open on its
first data row of 10,000, and a Windows-1251 file of 10,000 rows.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from common import Run, add_options

from tekseru.intake import Columns, ImportFileError, open_table

COLUMNS = Columns(required=("bin", "name"))


def _workbook(path: Path, far_value: object) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["bin", "name"])
    sheet.append(["040340001283", "a"])
    if far_value is None:
        sheet["XFD1048576"].number_format = "0.00"
    else:
        sheet["XFD1048576"] = far_value
    workbook.save(path)


TARGET_SECONDS = 1.0  # "well under a second" for each file
# What reading each file must give: read (with that many rows) or refused (naming that place).
EXPECTED = {
    "far-value.xlsx": "refused",
    "far-empty.xlsx": "read 1 row(s)",
    "long-field.csv": "refused",
    "open-quote.csv": "refused",
    "cp1251.csv": "read 10000 row(s)",  # Windows-1251 is detected and read (tekseru.intake.csv_table)
}

FILES: dict[str, Callable[[Path], object]] = {
    "far-value.xlsx": lambda path: _workbook(path, "x"),
    "far-empty.xlsx": lambda path: _workbook(path, None),
    "long-field.csv": lambda path: path.write_text("bin,name\n1," + "x" * 200_000 + "\n", "utf-8"),
    "open-quote.csv": lambda path: path.write_text(
        'bin,name\n1,"open\n' + "".join(f"{i},n\n" for i in range(10_000)), "utf-8"
    ),
    "cp1251.csv": lambda path: path.write_bytes(
        ("bin;name\n" + "".join(f"{i};Алматы\n" for i in range(10_000))).encode("cp1251")
    ),
}


def _read(path: Path) -> str:
    try:
        with open_table(path, COLUMNS) as table:
            return f"read {sum(1 for _ in table.rows)} row(s)"
    except ImportFileError as error:
        return f"refused: {error.errors[0]}"[:90]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    add_options(parser, database=False)
    args = parser.parse_args(argv)
    run = Run("hostile_files", uses_database=False, sizes={"repeat": args.repeat})
    with tempfile.TemporaryDirectory() as folder:
        print(f"  {'file':<16} {'bytes':>9} {'seconds':>8}  outcome")
        for name, write in FILES.items():
            path = Path(folder) / name
            write(path)
            times = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                outcome = _read(path)
                times.append(time.perf_counter() - started)
                run.check(f"{name}: {EXPECTED[name]}", outcome.startswith(EXPECTED[name]), outcome)
            print(f"  {name:<16} {path.stat().st_size:>9,} {min(times):>8.3f}  {outcome}")
            run.figure(f"read {name} (best of {args.repeat})", min(times), "s", TARGET_SECONDS, "lower")
    return run.finish(args.json)


if __name__ == "__main__":
    sys.exit(main())
