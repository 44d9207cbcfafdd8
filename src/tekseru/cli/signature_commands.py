"""`tekseru sign FILE`: sign a document with a PKCS#12 key; and the signatures part of `tekseru verify`
(docs/signatures.md)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from tekseru.cli.failures import fail
from tekseru.cli.language import DocumentLangOption, Words, document_words

if TYPE_CHECKING:
    from tekseru.documents.signatures import SignatureReport, SignerReport

# The signing libraries take a while to import: commands that sign or verify signatures import them.


class OutputFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


def _console() -> Console:
    return Console(soft_wrap=True)


def _password(path: Path | None, words: Words) -> bytes | None:
    """The first line of the password file; without one, asked for at the terminal (not echoed)."""
    if path is None:
        typed = typer.prompt(words("cli.sign.password"), hide_input=True, default="", show_default=False)
        return typed.encode("utf-8") or None
    try:
        lines = path.read_bytes().splitlines()
    except OSError as error:
        fail(words("signature.error.unreadable_file", file=path.name, reason=error.strerror or error))
    return lines[0] if lines and lines[0] else None


def sign(
    file: Annotated[Path, typer.Argument(dir_okay=False, exists=True, help="The document to sign.")],
    pkcs12: Annotated[
        Path, typer.Option("--pkcs12", dir_okay=False, exists=True, help="The signer's PKCS#12 key (.p12).")
    ],
    password_file: Annotated[
        Path | None,
        typer.Option(
            "--password-file",
            dir_okay=False,
            exists=True,
            help="A file whose first line is the key's password (else it is asked for).",
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            dir_okay=False,
            help="The signed PDF (default FILE-signed.pdf), or for any other file its detached CMS "
            "signature (default FILE.cms; signers already in it are kept).",
        ),
    ] = None,
    lang: DocumentLangOption = None,
) -> None:
    """Sign FILE with an electronic digital signature: a PDF gets a PAdES signature with a visible stamp,
    any other file a detached CMS signature."""
    from tekseru.documents.signatures import SignatureError
    from tekseru.services import signatures as signing

    # The stamp is written into the signed PDF in this language: a document's, as the signing pages' is
    # (kk or ru, the official forms' languages); asked before the password, so an English setting is told
    # before anything is typed.
    words = document_words(lang)
    password = _password(password_file, words)
    try:
        signed = signing.sign(file, pkcs12, password, output=output, language=words.language)
    except SignatureError as error:
        fail(error, words.language)
    key = "cli.sign.pdf" if signed.pdf else "cli.sign.cms"
    _console().print(words(key, path=signed.output, count=signed.signers), markup=False)


# The signatures part of `tekseru verify` ----------------------------------------------------------------

SignatureOption = Annotated[
    Path | None,
    typer.Option(
        "--signature", dir_okay=False, exists=True, help="A detached CMS signature of FILE (FILE.cms)."
    ),
]
TrustOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--trust",
        dir_okay=False,
        exists=True,
        help="A trusted root certificate (PEM or DER); repeat for more (default: TEKSERU_TRUSTED_ROOTS).",
    ),
]
CrlOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--crl",
        dir_okay=False,
        exists=True,
        help="A certificate revocation list; repeat for more (default: TEKSERU_REVOCATION_LISTS).",
    ),
]
SignerOption = Annotated[
    list[str] | None,
    typer.Option(
        "--signer", help="The IIN or BIN of a signer, in the order they must have signed; repeat for each."
    ),
]
FormatOption = Annotated[OutputFormat, typer.Option("--format", help="text or json.")]


def wants_signatures(file: Path, signature: Path | None, *options: object) -> bool:
    """Whether `verify` checks signatures: when asked to, or when the PDF carries any."""
    if signature is not None or any(options):
        return True
    from tekseru.services import signatures as signing

    return signing.is_pdf(file) and b"/ByteRange" in file.read_bytes()


def check_signatures(
    file: Path,
    signature: Path | None,
    trust: list[Path] | None,
    crl: list[Path] | None,
    signer: list[str] | None,
    words: Words,
) -> SignatureReport:
    from tekseru.documents.signatures import SignatureError
    from tekseru.services import signatures as signing

    try:
        settings = signing.trust_settings(trust or (), crl or (), signer or ())
        return signing.check(file, settings, signature=signature)
    except SignatureError as error:
        fail(error, words.language)


def _signer_line(signer: SignerReport, words: Words, zone: str) -> str:
    from tekseru.i18n import format_datetime

    identity = signer.identity
    parts = [f"{signer.position}. {identity.name}"]
    if identity.iin:
        parts.append(words("signature.stamp.iin", iin=identity.iin))
    if identity.bin:
        parts.append(words("signature.stamp.bin", bin=identity.bin))
    if signer.signed_at is not None:
        parts.append(
            words("cli.verify.signed_at", time=format_datetime(signer.signed_at, words.language, zone))
        )
    verdict = (
        words("cli.verify.signature_ok")
        if signer.ok
        else "; ".join(words(f"signature.problem.{problem}") for problem in signer.problems)
    )
    return f"{', '.join(parts)}: {verdict}"


def print_signatures(report: SignatureReport, words: Words) -> None:
    from tekseru.settings import Settings

    console, zone = _console(), Settings.from_environment().time_zone
    console.print(words(f"cli.verify.signatures.{report.kind}", count=len(report.signers)), markup=False)
    for signer in report.signers:
        colour = "green" if signer.ok else "red"
        console.print(f"[{colour}]{escape(_signer_line(signer, words, zone))}[/{colour}]")
    for problem in report.problems:
        console.print(f"[red]{escape(words(f'signature.problem.{problem}'))}[/red]")
    verdict, colour = (
        ("cli.verify.signatures_hold", "green") if report.ok else ("cli.verify.signatures_fail", "red")
    )
    console.print(f"[{colour}]{escape(words(verdict))}[/{colour}]")


def json_report(
    file: Path, seal: dict[str, Any] | None, report: SignatureReport | None, ok: bool
) -> dict[str, Any]:
    return {
        "file": file.name,
        "ok": ok,
        "seal": seal,
        "signatures": None if report is None else report.as_dict(),
    }
