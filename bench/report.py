"""Write docs/PERFORMANCE.md from the JSON summary of `bench/run_all.py`: every figure on the page comes from
that run, beside the load it was measured under and the command that measured it.

    .venv/bin/python bench/report.py bench-results.json --out docs/PERFORMANCE.md
    .venv/bin/python bench/report.py docs/performance-results.json --add later.json   # a later partial run

`--add` puts the results of a later run of some benchmarks (`run_all.py --only ...`) into the summary, in
place of the same benchmarks' results on the same databases, writes the summary back and the page from it;
the page says which sections come from which run. The sections of benchmarks that do not report through
bench/common.py (none today) would be kept as written by hand in bench/by-hand.md, appended as they are.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

TITLES = {
    "cli": "Command line start",
    "scoring": "Scoring core",
    "forms": "Checklist forms",
    "hostile_files": "Hostile import files",
    "import": "Evidence import",
    "end_to_end": "End to end: an assessment of the registry",
    "partitioned": "Partitioned: a registry assessed by ranges of subjects in worker processes (PostgreSQL)",
    "signatures": "Electronic digital signatures (no target in issue 18)",
    "web": "Web latency: search and card",
    "web_instructions": "Web server work: instructions per request (callgrind; no target in issue 18)",
    "rosters": "Rosters reconciliation",
    "load": "Mixed load: 50 sessions reading and writing",
    "desk": "The planner's desk: sorted pages and streamed exports",
    "offline": "The checklist on a slow 3G network: first visit and installed application",
}

# Anchors other pages link to (docs/web.md, docs/rosters.md), kept whatever the sections' titles.
ANCHORS = {
    "web": "web-latency",
    "web_instructions": "web-instructions",
    "end_to_end": "end-to-end",
    "forms": "checklist-forms",
    "rosters": "rosters-reconciliation",
    "load": "mixed-load",
    "desk": "the-planners-desk",
    "offline": "offline",
}
# Benchmarks run_all.py does not run yet: named on the page, without figures.
NOT_RUN: dict[str, tuple[str, str]] = {}


def _number(value: float) -> str:
    if value == 0 or abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 1:
        return f"{value:,.2f}"
    return f"{value:.4f}".rstrip("0")


def _section(result: dict[str, Any]) -> list[str]:
    name = result.get("benchmark", "?")
    database = result.get("database", "none")
    title = TITLES.get(name, name) + ("" if database == "none" else f" ({database})")
    lines = [f"## {title}", ""]
    words = list(result.get("command", []))
    if "--json" in words:  # where the run wrote its JSON: a temporary file, not part of the command
        del words[words.index("--json") : words.index("--json") + 2]
    command = " ".join(words)
    lines.append(f"`.venv/bin/python bench/{command}`")
    lines.append("")
    if not result.get("ok"):
        lines += [
            f"**FAILED** (exit code {result.get('exit_code')}): no figure of this run is given.",
            "",
            "```",
            str(result.get("output_tail", ""))[-1200:],
            "```",
            "",
        ]
        return lines
    machine = result["machine"]
    label = (
        "**quiet machine**" if machine["label"] == "quiet" else "**under load** (not a claim about targets)"
    )
    sizes = ", ".join(
        f"{key} {value:,}" if isinstance(value, int) else f"{key} {value}"
        for key, value in result["sizes"].items()
    )
    found = ", ".join(f"{key} {value}" for key, value in result["versions"].items())
    lines.append(
        f"{result['started']}, commit {result['commit']}, {machine['cpus']} CPUs, load average "
        f"{machine['load_start'][0]} at the start and {machine['load_end'][0]} at the end: {label}. "
        f"Sizes: {sizes or 'defaults'}. Versions: {found}."
    )
    lines += ["", "| what | value | target | ratio to target | load average |", "|---|---|---|---|---|"]
    for figure in result["figures"]:
        target = (
            f"{'<=' if figure['better'] == 'lower' else '>='} {_number(figure['target'])} {figure['unit']}"
            if "target" in figure
            else ""
        )
        ratio = f"{figure['ratio']:.2f}" if "ratio" in figure else ""
        lines.append(
            f"| {figure['what']} | {_number(figure['value'])} {figure['unit']} | {target} | {ratio} | "
            f"{figure['load'][0]} |"
        )
    checks = result["checks"]
    lines += ["", f"Checks of the output: {sum(check['ok'] for check in checks)} of {len(checks)} held."]
    for note in result.get("notes", []):
        lines.append(f"{note}")
    lines.append("")
    return lines


def markdown(summary: dict[str, Any], source: str | None = None) -> str:
    results = summary["results"]
    lines = [
        "# Performance",
        "",
        "<!-- Generated by bench/report.py from the summary of bench/run_all.py; do not edit by hand. -->",
        "",
        f"Every figure below comes from one run of `.venv/bin/python {' '.join(summary['command'])}` "
        f"(size `{summary['size']}`), at commit {summary['commit']}, which took {summary['seconds']:,.1f} s; "
        f"load average {summary['load_start'][0]:.2f} at its start and "
        f"{summary['load_end'][0]:.2f} at its end. "
        "What each benchmark does and checks: [bench/README.md](../bench/README.md); the targets are those "
        "of issue 18. A ratio to target of 1 or more means the target is reached. A figure measured under "
        "load (a load average at its start, before its own work, at or above half the processors) says "
        "nothing about a target: run again on a quiet machine.",
        "",
        *(
            [
                f"Size `{summary['size']}` is smaller than the sizes the targets are set for (`--size full`, "
                "bench/run_all.py), so no ratio on this page is a verdict on a target.",
                "",
            ]
            if summary["size"] != "full"
            else []
        ),
        *_later_runs(summary),
        *([f"The run's whole summary, from which this page is written: `{source}`.", ""] if source else []),
        f"Runs: {len(results)}, "
        + ("all passed their checks." if summary["ok"] else "NOT all passed their checks (see below)."),
        "",
    ]
    if summary.get("skipped"):
        lines += [f"Not run at this size: {', '.join(summary['skipped'])}.", ""]
    anchored = set()
    for result in results:
        anchor = ANCHORS.get(result.get("benchmark", ""))
        if anchor and anchor not in anchored:
            lines += [f'<a id="{anchor}"></a>', ""]
            anchored.add(anchor)
        lines += _section(result)
    for name, anchor in ANCHORS.items():  # linked from other pages: there, with what to run
        if anchor not in anchored:
            lines += [
                f'<a id="{anchor}"></a>',
                "",
                f"## {TITLES.get(name, name)}",
                "",
                f"No run of `{name}` is in this summary yet: `.venv/bin/python bench/run_all.py --only "
                f"{name} --out later.json`, then `.venv/bin/python bench/report.py "
                "docs/performance-results.json --add later.json`.",
                "",
            ]
    for anchor, (title, script) in NOT_RUN.items():
        lines += [
            f'<a id="{anchor}"></a>',
            "",
            f"## {title}",
            "",
            f"`bench/{script}` does not report through bench/common.py yet, so bench/run_all.py does not run "
            "it and this page gives no figure of it (bench/README.md says how to run it).",
            "",
        ]
    if BY_HAND.exists():
        lines += ["", BY_HAND.read_text(encoding="utf-8").strip(), ""]
    return "\n".join(lines).rstrip() + "\n"


BY_HAND = Path(__file__).parent / "by-hand.md"


def _later_runs(summary: dict[str, Any]) -> list[str]:
    lines = []
    for run in summary.get("later_runs", []):
        names = ", ".join(f"`{name}`" for name in run["benchmarks"])
        lines += [
            f"The sections of {names} come from a later run, `.venv/bin/python {' '.join(run['command'])}` "
            f"(size `{run['size']}`), at commit {run['commit']}, which took {run['seconds']:,.1f} s; "
            f"load average "
            f"{run['load_start'][0]:.2f} at its start and {run['load_end'][0]:.2f} at its end.",
            "",
        ]
    return lines


def add_run(summary: dict[str, Any], later: dict[str, Any]) -> dict[str, Any]:
    """`summary` with the results of `later` in place of the same benchmarks' on the same databases."""
    replaced = {(result["benchmark"], result.get("database", "none")) for result in later["results"]}
    kept = [r for r in summary["results"] if (r["benchmark"], r.get("database", "none")) not in replaced]
    benchmarks = sorted({name for name, _ in replaced})
    run = {key: later[key] for key in ("command", "size", "commit", "seconds", "load_start", "load_end")}
    earlier = [
        r | {"benchmarks": [name for name in r["benchmarks"] if name not in benchmarks]}
        for r in summary.get("later_runs", [])
        if set(r["benchmarks"]) - set(benchmarks)
    ]
    return summary | {
        "results": kept + later["results"],
        "ok": all(result["ok"] for result in kept + later["results"]),
        "later_runs": [*earlier, run | {"benchmarks": benchmarks}],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("summary", type=Path, help="the JSON that bench/run_all.py wrote")
    parser.add_argument("--out", type=Path, default=Path(__file__).parents[1] / "docs" / "PERFORMANCE.md")
    parser.add_argument("--add", type=Path, help="a later run's summary to put into SUMMARY (written back)")
    args = parser.parse_args(argv)
    summary = json.loads(args.summary.read_text(encoding="utf-8"))
    if args.add:
        summary = add_run(summary, json.loads(args.add.read_text(encoding="utf-8")))
        args.summary.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    args.out.write_text(markdown(summary, str(args.summary)), encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
