"""Benchmark of electronic digital signatures: signatures and verifications per second, in one process.

    .venv/bin/python bench/bench_signatures.py [--count 100]

Makes a test certification authority (root, intermediate, two signers with RSA 2048 keys, as NCA issues
RSA keys; tests/signing_pki.py) and a sealed checklist form (Appendix 2, Kazakh), then times, `count`
times each:

- PAdES: signing the form with a visible stamp (tekseru.documents.signatures.sign_pdf), and verifying a
  form signed by two signers in order (each signature, its chain to the root, its validity at signing
  time, revocation against a CRL);
- CMS: a detached signature of the form's bytes, and its verification (one signer, chain and CRL).

Every signed document is checked: each verification must find every signature holding, else the run
fails (exit 1). Prints operations per second, mean and p95 wall time, CPU time per operation (the
figure that a busy shared machine disturbs least) and peak memory.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1]))  # tests.signing_pki: the test certification authority
sys.path.insert(0, str(Path(__file__).parent))

from asn1crypto import crl as asn1_crl
from asn1crypto import x509 as asn1_x509
from common import Run, add_options
from cryptography.hazmat.primitives.serialization import Encoding
from tests.signing_pki import PASSWORD, issue_signer, make_pki, revocation_list

from tekseru.catalog_files import load_catalogue
from tekseru.documents.checklist_form import DocumentIdentity, FormHeader, build_checklist_form
from tekseru.documents.checklist_pdf import checklist_pdf_bytes
from tekseru.documents.signatures import (
    SignatureReport,
    TrustSettings,
    load_key,
    sign_cms,
    sign_pdf,
    verify_cms,
    verify_pdf,
)


def _form() -> bytes:
    edition = load_catalogue().edition("2022-29983")
    header = FormHeader(act_number="12-ПК", act_date=date(2026, 3, 1))
    identity = DocumentIdentity("Тексеру № 1, 1-редакция", date(2026, 3, 5))
    return checklist_pdf_bytes(build_checklist_form(edition, 2, "kk", header=header, identity=identity))


Timings = tuple[list[float], float]  # wall time of each operation, CPU time of them all


def _timed(count: int, operation: Callable[[], object]) -> tuple[Timings, list[object]]:
    times, results = [], []
    cpu = time.process_time()
    for _ in range(count):
        started = time.perf_counter()
        results.append(operation())
        times.append(time.perf_counter() - started)
    return (times, time.process_time() - cpu), results


def _check(run: Run, reports: list[object], signers: int, what: str) -> None:
    wrong = [
        report
        for report in reports
        if not isinstance(report, SignatureReport) or not report.ok or len(report.signers) != signers
    ]
    detail = f"{len(wrong)} did not hold, first: {wrong[0]}" if wrong else ""
    run.check(f"{what}: all {len(reports)} verifications hold with {signers} signer(s)", not wrong, detail)


def _line(name: str, timings: Timings) -> str:
    times, cpu = timings
    ordered = sorted(times)
    rate = len(times) / sum(times)
    mean, p95 = statistics.fmean(times) * 1000, ordered[int(len(ordered) * 0.95)] * 1000
    return f"| {name} | {rate:.1f} | {mean:.1f} ms | {p95:.1f} ms | {cpu / len(times) * 1000:.1f} ms |"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100, help="operations of each kind (default 100)")
    add_options(parser, database=False)
    args = parser.parse_args(argv)
    run = Run("signatures", uses_database=False, sizes={"count": args.count})
    pki = make_pki("bench")
    official = load_key(
        issue_signer(pki, "АСҚАРОВ АЙБЕК", "880101300123", bin="100140011059").pkcs12(), PASSWORD
    )
    head = load_key(issue_signer(pki, "ДИРЕКТОР", "750505300555", bin="190150000004").pkcs12(), PASSWORD)
    other = issue_signer(pki, "БАСҚА", "900101300111")
    root = asn1_x509.Certificate.load(pki.root.certificate.public_bytes(Encoding.DER))
    crl = asn1_crl.CertificateList.load(revocation_list(pki, [other.certificate]))
    trust = TrustSettings((root,), (crl,))
    form = _form()
    sign_pdf(form, official)  # warm-up: fonts and imports, once per process
    pades_sign, signed = _timed(args.count, lambda: sign_pdf(form, official))
    twice = sign_pdf(signed[-1], head)  # type: ignore[arg-type]
    pades_verify, reports = _timed(args.count, lambda: verify_pdf(twice, trust))
    _check(run, reports, 2, "PAdES, two signers")
    cms_sign, signatures = _timed(args.count, lambda: sign_cms(form, official))
    cms_verify, cms_reports = _timed(args.count, lambda: verify_cms(form, signatures[-1], trust))  # type: ignore[arg-type]
    _check(run, cms_reports, 1, "CMS")
    # Every signature made while timing is verified too (not timed): a fast wrong signature fails the run.
    _check(run, [verify_pdf(s, trust) for s in signed], 1, "PAdES, every signed form")  # type: ignore[arg-type]
    _check(run, [verify_cms(form, s, trust) for s in signatures], 1, "CMS, every signature")  # type: ignore[arg-type]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    machine = f"{platform.machine()}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}"
    print(f"tekseru signatures benchmark, {date.today().isoformat()}")
    print(f"machine: {machine}; Python {platform.python_version()}; one process; RSA 2048, SHA-256")
    print(
        f"document: a sealed checklist form, {len(form) / 1024:.0f} KiB; {args.count} operations of each kind"
    )
    print("| operation | per second (wall) | mean | p95 | CPU per operation |")
    print("|---|---|---|---|---|")
    print(_line("PAdES: sign a form (visible stamp)", pades_sign))
    print(_line("PAdES: verify a form signed by two (chain, CRL)", pades_verify))
    print(_line("CMS: sign (detached)", cms_sign))
    print(_line("CMS: verify (chain, CRL)", cms_verify))
    print(f"peak RSS: {peak:.0f} MiB; " + ("every verification held" if run.ok else "A VERIFICATION FAILED"))
    for name, (times, cpu) in (
        ("PAdES: sign a form", pades_sign),
        ("PAdES: verify a form signed by two", pades_verify),
        ("CMS: sign", cms_sign),
        ("CMS: verify", cms_verify),
    ):
        run.figure(f"{name}, per second (wall)", len(times) / sum(times), "operations/s")
        run.figure(f"{name}, CPU per operation", cpu / len(times) * 1000, "ms")
    return run.finish(args.json)


if __name__ == "__main__":
    sys.exit(main())
