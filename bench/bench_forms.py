"""Benchmark of printing filled checklists as PDF: forms per second against the target (issue 18).

    .venv/bin/python bench/bench_forms.py [--count 1000] [--workers 1] [--out DIR] [--json PATH]

Builds and renders `count` filled checklist forms (Appendices 2 to 7 in turn, Kazakh and Russian in turn,
every item answered, a comment on every third, a header and a document identity, so each carries its
verification code and QR code) with tekseru.documents.checklist_pdf, and prints forms per second, the
time per form, the CPU time per form, the ratio against the target (60 forms a second with one process,
100 with two), and peak memory (maximum resident set size). With
`--workers N` the batch is shared among N processes, as a service printing a batch would do (`--workers 1,2`:
rendered once by one process, then by two). The first
form of each process is rendered before timing: it parses and cuts the fonts once per process (reported
apart). Every form is then read back with pypdf (not timed): its pages, its subject's identifier and name
(Kazakh letters as written) and its verification code; a form that fails makes the benchmark fail.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import re
import resource
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import date, timedelta
from pathlib import Path

from pypdf import PdfReader

sys.path.insert(0, str(Path(__file__).parent))

from common import Run, add_options

from tekseru.catalog import CatalogueEdition
from tekseru.catalog_files import load_catalogue
from tekseru.documents.checklist_form import (
    ActKind,
    ChecklistForm,
    Compliance,
    DocumentIdentity,
    FormHeader,
    ItemAnswer,
    Requirement,
    build_checklist_form,
)
from tekseru.documents.checklist_pdf import checklist_pdf_bytes
from tekseru.documents.verification import seal_of

PAGE = re.compile(rb"/Type\s*/Page(?![a-z])")
APPENDICES = (2, 3, 4, 5, 6, 7)
LANGUAGES = ("kk", "ru")
SUBJECTS = (
    ("«Мейірім» арнаулы әлеуметтік қызметтер орталығы КММ", "Алматы қ., Әуезов ауданы, Абай даңғылы, 150"),
    ("«Шаһар әлеуметтік көмек ғұмыр үйі» КММ", "Ақсу қ., Ұлы Дала даңғылы, 12"),
    ("ТОО «Оңалту-Сервис Қостанай»", "Қостанай қ., Тәуелсіздік көшесі, 7"),
)
COMMENTS = (
    "Жеке жұмыс жоспары 5 күн кешіктіріліп бекітілген; журналда 3 қызмет алушының жазбасы толтырылмаған.",
    "Пандус бар, бірақ көлбеуі нормадан асады; тұтқалар бір жағынан ғана орнатылған.",
    "Акт ескертулерімен танысқан, кемшіліктерді 10 жұмыс күні ішінде жою туралы міндеттеме алынды.",
)


def form_number(edition: CatalogueEdition, number: int) -> ChecklistForm:
    """The `number`-th form of the batch: appendix, language, subject and answers vary with it."""
    appendix, language = APPENDICES[number % len(APPENDICES)], LANGUAGES[(number // len(APPENDICES)) % 2]
    name, address = SUBJECTS[number % len(SUBJECTS)]
    header = FormHeader(
        ordering_body="Еңбек және әлеуметтік қорғау комитетінің Алматы қаласы бойынша департаменті",
        act_kind=ActKind.PREVENTIVE_CONTROL if number % 2 else ActKind.INSPECTION,
        act_number=f"{number + 1}-ПК",
        act_date=date(2024, 1, 9) + timedelta(days=number % 300),
        subject_name=name,
        subject_identifier=f"{990740000000 + number:012d}",
        subject_address=address,
    )
    answers = {item.number: _answer(number + item.number) for item in edition.checklist(appendix).items}
    identity = DocumentIdentity(f"inspection 2024-{number:05d}", header.act_date)
    return build_checklist_form(
        edition, appendix, language, header=header, answers=answers, identity=identity
    )


def _answer(seed: int) -> ItemAnswer:
    if seed % 7 == 0:
        return ItemAnswer(Requirement.NOT_REQUIRED)
    compliance = Compliance.NON_COMPLIANT if seed % 3 == 0 else Compliance.COMPLIANT
    return ItemAnswer(Requirement.REQUIRED, compliance, COMMENTS[seed % 3] if seed % 3 == 0 else "")


def check_pdf(data: bytes, number: int, form: ChecklistForm) -> str:
    """What is wrong with form `number` ("" when nothing): pypdf must parse every page; its first page must
    carry the subject's identifier and name (Kazakh letters extracted as written), and the form its
    verification code (not timed)."""
    try:
        reader = PdfReader(io.BytesIO(data))
        texts = [page.extract_text() for page in reader.pages]
    except Exception as error:  # any parse error is the benchmark's failure, reported
        return f"form {number}: pypdf cannot read it ({type(error).__name__}: {error})"
    if len(texts) != len(PAGE.findall(data)) or not texts:
        return f"form {number}: {len(texts)} pages parsed"
    first, whole = _squashed(texts[0]), _squashed("".join(texts))
    if f"{990740000000 + number:012d}" not in first:
        return f"form {number}: the subject's identifier is not on its first page"
    name = SUBJECTS[number % len(SUBJECTS)][0]
    if _squashed(name) not in first:
        return f"form {number}: the subject's name {name!r} does not extract from its first page"
    seal = seal_of(form)
    if seal is None or seal.code not in whole:
        return f"form {number}: its verification code is not in its text"
    return ""


def _squashed(text: str) -> str:
    """The text without spaces or line breaks (pypdf breaks lines where the form wraps them)."""
    return "".join(text.split())


def render_batch(numbers: range, out: str | None) -> tuple[float, list[float], float, int, int, list[str]]:
    """Warm-up, seconds per form, CPU seconds, bytes and pages of the forms `numbers`, in one process, and
    what is wrong with any of them (each parsed after it was timed)."""
    edition = load_catalogue().edition("2022-29983")
    started = time.perf_counter()
    checklist_pdf_bytes(form_number(edition, numbers.start))
    warm_up = time.perf_counter() - started
    times, total_bytes, pages, cpu, wrong = [], 0, 0, 0.0, []
    for number in numbers:
        started, started_cpu = time.perf_counter(), time.process_time()
        form = form_number(edition, number)
        data = checklist_pdf_bytes(form)
        times.append(time.perf_counter() - started)
        cpu += time.process_time() - started_cpu
        total_bytes += len(data)
        pages += len(PAGE.findall(data))
        if problem := check_pdf(data, number, form):
            wrong.append(problem)
        if out:
            Path(out, f"form-{number:05d}.pdf").write_bytes(data)
    return warm_up, times, cpu, total_bytes, pages, wrong


TARGETS = {1: 60.0, 2: 100.0}  # forms per second with one and with two processes (issue 18)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000, help="forms to render (default 1000)")
    parser.add_argument(
        "--workers",
        type=_workers,
        default=[1],
        help="processes sharing the batch (default 1); several, as 1,2, render the batch once for each",
    )
    parser.add_argument("--out", help="also write the PDFs into this folder")
    add_options(parser, database=False)
    args = parser.parse_args(argv)
    run = Run("forms", uses_database=False, sizes={"count": args.count, "workers": args.workers})
    if args.out:
        Path(args.out).mkdir(parents=True, exist_ok=True)
    for workers in args.workers:
        _render(run, args, workers)
    return run.finish(args.json)


def _workers(text: str) -> list[int]:
    counts = [int(part) for part in text.split(",") if part.strip()]
    if not counts or min(counts) < 1:
        raise argparse.ArgumentTypeError(f"not a number of processes: {text!r}")
    return counts


def _render(run: Run, args: argparse.Namespace, workers: int) -> None:
    """The batch rendered by `workers` processes, checked and recorded in `run`."""
    shares = [range(start, args.count, workers) for start in range(workers)]
    started = time.perf_counter()
    if workers == 1:
        results = [render_batch(shares[0], args.out)]
    else:
        with ProcessPoolExecutor(workers) as pool:
            results = list(pool.map(render_batch, shares, [args.out] * workers))
    wall = time.perf_counter() - started
    _report(args, workers, wall, results)
    wrong = [problem for result in results for problem in result[5]]
    run.check(
        f"pypdf parses all {args.count} forms of {workers} process(es), each with its subject's identifier "
        "and name and its code",
        not wrong and sum(len(result[1]) for result in results) == args.count,
        "; ".join(wrong[:5]),
    )
    times = sorted(t for result in results for t in result[1])
    rendering = max(sum(result[1]) for result in results)
    run.figure(
        f"forms per second, {workers} process(es)",
        len(times) / rendering,
        "forms/s",
        TARGETS.get(workers),
        "higher",
    )
    run.figure(
        f"CPU per form, {workers} process(es)", sum(result[2] for result in results) / len(times) * 1000, "ms"
    )
    run.figure(
        f"95th percentile per form (wall), {workers} process(es)", times[int(len(times) * 0.95)] * 1000, "ms"
    )


def _report(
    args: argparse.Namespace,
    workers: int,
    wall: float,
    results: list[tuple[float, list[float], float, int, int, list[str]]],
) -> None:
    times = sorted(t for _, batch, *_ in results for t in batch)
    warm_up = max(result[0] for result in results)
    # the processes render side by side; each form is parsed after it is timed, so the time is theirs alone
    rendering = max(sum(result[1]) for result in results)
    rate, cpu = len(times) / rendering, sum(result[2] for result in results) / len(times)
    pages, size = (
        sum(result[4] for result in results),
        sum(result[3] for result in results) / len(times) / 1024,
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if workers > 1:
        peak = max(peak, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    machine = f"{platform.machine()}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}"
    mean, median = statistics.fmean(times) * 1000, times[len(times) // 2] * 1000
    target = TARGETS.get(workers)
    p95 = times[int(len(times) * 0.95)] * 1000
    print(f"tekseru checklist PDF benchmark, {date.today().isoformat()}")
    print(f"machine: {machine}; Python {platform.python_version()}")
    print(f"forms: {len(times)} filled checklists (Appendices 2-7, kk and ru), {workers} process(es)")
    print(f"warm-up (fonts cut once per process): {warm_up:.2f} s")
    print(f"rendering: {rendering:.2f} s wall, {pages} pages, {size:.0f} KiB a form on average")
    print(f"per form: mean {mean:.1f} ms, median {median:.1f} ms, 95th percentile {p95:.1f} ms (wall)")
    print(f"CPU per form: {cpu * 1000:.1f} ms, so {1 / cpu:.1f} forms per CPU second")
    aim = f"; target {target:.0f}/s; ratio {rate / target:.2f}" if target else ""
    print(f"throughput: {rate:.1f} forms/s{aim}")
    print(f"peak memory: {peak / 1024:.0f} MiB maximum resident set size (largest process)")


if __name__ == "__main__":
    sys.exit(main())
