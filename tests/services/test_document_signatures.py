"""Signatures of a completed inspection's form and of an approved list, handed in as detached CMS
signatures: verified before they are accepted, stored beside the document in the order of signing,
audited; refused with a reason in the reader's language. On SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from tekseru.catalog_files import load_catalogue
from tekseru.documents.signatures import load_key, sign_cms, verify_pdf
from tekseru.i18n import say_error
from tekseru.services import audit, document_signatures, inspections
from tekseru.services.audit import AuditFilter
from tekseru.services.permissions import Actor, PermissionDenied, Role
from tekseru.services.signatures import trust_settings
from tekseru.settings import Settings
from tekseru.store import Database
from tests.databases import database, database_url, postgres_server
from tests.services import inspection_data
from tests.services.audit_data import ADMIN, INSPECTOR, PLANNER, sign_records
from tests.signing_pki import PASSWORD, Pki, Signer, issue_signer, make_pki, pem, revocation_list

__all__ = ["database", "database_url", "postgres_server"]

VIEWER = Actor("a-viewer", Role.VIEWER)
OTHER_REGION = Actor("a-other", Role.INSPECTOR, "almaty_city")
HEAD_BIN = inspection_data.BINS[0]

CATALOGUE = load_catalogue()


@pytest.fixture(scope="module")
def pki() -> Pki:
    return make_pki()


@pytest.fixture(scope="module")
def people(pki: Pki) -> dict[str, Signer]:
    return {
        "official": issue_signer(pki, "АСҚАРОВ АЙБЕК", "880101300123", bin="100140011059"),
        "second": issue_signer(pki, "ПЕТРОВА ЕЛЕНА", "910303400789", bin="100140011059"),
        "head": issue_signer(pki, "ДИРЕКТОР ОРТАЛЫҚ", "750505300555", bin=HEAD_BIN),
        "stranger": issue_signer(make_pki("stranger"), "БӨТЕН", "850505300111"),
        "expired": issue_signer(
            pki,
            "ЕСКІ",
            "700101300999",
            not_before=datetime.now(UTC) - timedelta(days=900),
            not_after=datetime.now(UTC) - timedelta(days=2),
        ),
    }


@pytest.fixture
def settings(tmp_path: Path, pki: Pki) -> Settings:
    (tmp_path / "root.pem").write_bytes(pem(pki.root.certificate))
    return Settings(attachments_dir=str(tmp_path / "files"), trusted_roots=str(tmp_path / "root.pem"))


def _cms(signer: Signer, content: bytes) -> bytes:
    return sign_cms(content, load_key(signer.pkcs12(), PASSWORD))


def test_officials_then_the_head_sign_an_inspection(
    database: Database, settings: Settings, people: dict[str, Signer], pki: Pki
) -> None:
    signed = sign_records(database)
    document = _to_sign(database, INSPECTOR, "inspection", signed.inspection_id, settings)
    number = inspection_data.number_of(database, signed.inspection_id)
    assert document.file_name == f"inspection-{number}-kk-1.tosign"
    again = _to_sign(database, VIEWER, "inspection", signed.inspection_id, settings)
    assert again.sha256 == document.sha256, "the same revision is handed out until it is signed"
    for who in ("official", "second", "head"):
        _sign(database, INSPECTOR, "inspection", signed.inspection_id, people[who], settings)
    shown = document_signatures.signatures(
        database, VIEWER, "inspection", signed.inspection_id, settings=settings
    )
    assert [(s.record.position, s.record.signer_iin, s.ok) for s in shown] == [
        (1, "880101300123", True),
        (2, "910303400789", True),
        (3, "750505300555", True),
    ]
    assert shown[2].record.signer_bin == HEAD_BIN
    entries = audit.browse(database, ADMIN, AuditFilter(action="inspection.sign")).entries
    assert len(entries) == 3 and entries[0].after is not None
    assert {e.after["iin"] for e in entries if e.after} == {"880101300123", "910303400789", "750505300555"}
    # The signatures are inside the PDF, each in its own revision covering the earlier ones, as a PDF
    # reader and `tekseru verify` see them.
    content, name = document_signatures.signed_document(
        database, VIEWER, "inspection", signed.inspection_id, language="kk", catalogue=CATALOGUE,
        settings=settings,
    )  # fmt: skip
    assert name == f"inspection-{number}-kk-signed.pdf"
    report = verify_pdf(content, trust_settings(settings=settings))
    assert report.ok and [s.identity.iin for s in report.signers] == [
        "880101300123",
        "910303400789",
        "750505300555",
    ]
    assert PdfReader(BytesIO(content)).pages[0].extract_text()  # a PDF a reader opens
    # After the head of the subject, no official signs; nobody signs twice.
    late = issue_signer(pki, "КЕШІККЕН", "920202300222", bin="100140011059")
    next_one = _to_sign(database, INSPECTOR, "inspection", signed.inspection_id, settings)
    assert next_one.file_name.endswith("-kk-4.tosign")
    refused = _refusal(
        database, INSPECTOR, "inspection", signed.inspection_id, document_sha256=next_one.sha256,
        signature=_cms(late, next_one.content), settings=settings,
    )  # fmt: skip
    assert refused.key == "wrong_order"
    twice = _refusal(
        database, INSPECTOR, "inspection", signed.inspection_id, document_sha256=next_one.sha256,
        signature=_cms(people["official"], next_one.content), settings=settings,
    )  # fmt: skip
    assert twice.key == "already_signed"


def test_a_signature_of_a_revision_signed_meanwhile_is_refused_until_signed_again(
    database: Database, settings: Settings, people: dict[str, Signer]
) -> None:
    signed = sign_records(database)
    handed = _to_sign(database, PLANNER, "plan", signed.plan_id, settings, language="ru")
    first = _cms(people["official"], handed.content)
    late = _cms(people["second"], handed.content)  # made from the same revision, handed in second
    document_signatures.accept_signature(
        database, PLANNER, "plan", signed.plan_id, document_sha256=handed.sha256, signature=first,
        settings=settings,
    )  # fmt: skip
    stale = _refusal(
        database, PLANNER, "plan", signed.plan_id, document_sha256=handed.sha256, signature=late,
        settings=settings,
    )  # fmt: skip
    assert stale.key == "stale" and "ещё раз" in say_error("ru", stale) and "қайта" in say_error("kk", stale)
    _sign(database, PLANNER, "plan", signed.plan_id, people["second"], settings, language="ru")
    content, _ = document_signatures.signed_document(
        database, VIEWER, "plan", signed.plan_id, language="ru", catalogue=CATALOGUE, settings=settings
    )
    report = verify_pdf(content, trust_settings(settings=settings))
    assert report.ok and [s.identity.iin for s in report.signers] == ["880101300123", "910303400789"]
    # The Kazakh document is a document of its own, with no signatures yet.
    kazakh, _ = document_signatures.signed_document(
        database, VIEWER, "plan", signed.plan_id, language="kk", catalogue=CATALOGUE, settings=settings
    )
    assert verify_pdf(kazakh, trust_settings(settings=settings)).signers == ()


def test_the_wrong_order_is_refused(
    database: Database, settings: Settings, people: dict[str, Signer]
) -> None:
    signed = sign_records(database)
    _sign(database, INSPECTOR, "inspection", signed.inspection_id, people["head"], settings, language="ru")
    document = _to_sign(database, INSPECTOR, "inspection", signed.inspection_id, settings, language="ru")
    refused = _refusal(
        database,
        INSPECTOR,
        "inspection",
        signed.inspection_id,
        document_sha256=document.sha256,
        signature=_cms(people["official"], document.content),
        settings=settings,
    )
    assert refused.key == "wrong_order"
    assert "АСҚАРОВ АЙБЕК" in say_error("kk", refused) and "басшыдан кейін" in say_error("kk", refused)
    assert "после него" in say_error("ru", refused)
    assert (
        len(
            document_signatures.signatures(
                database, VIEWER, "inspection", signed.inspection_id, settings=settings
            )
        )
        == 1
    )


@pytest.mark.parametrize(
    ("who", "over_other", "problem"),
    [
        ("stranger", False, "untrusted"),
        ("expired", False, "not_valid_at_signing"),
        ("official", True, "changed"),
    ],
)
def test_a_signature_that_does_not_hold_is_refused_and_nothing_is_stored(
    database: Database,
    settings: Settings,
    people: dict[str, Signer],
    who: str,
    over_other: bool,
    problem: str,
) -> None:
    signed = sign_records(database)
    document = document_signatures.document_to_sign(
        database, PLANNER, "plan", signed.plan_id, language="kk", catalogue=CATALOGUE, settings=settings
    )
    content = document.content + b"%changed" if over_other else document.content
    refused = _refusal(
        database,
        PLANNER,
        "plan",
        signed.plan_id,
        document_sha256=document.sha256,
        signature=_cms(people[who], content),
        settings=settings,
    )
    assert refused.key == "invalid" and refused.params["problems"] == (problem,)
    assert document_signatures.signatures(database, VIEWER, "plan", signed.plan_id, settings=settings) == []
    assert audit.browse(database, ADMIN, AuditFilter(action="plan.sign")).entries == []


def test_a_revoked_certificate_is_refused_and_a_stored_signature_shows_it_later(
    database: Database, settings: Settings, people: dict[str, Signer], pki: Pki, tmp_path: Path
) -> None:
    signed = sign_records(database)
    _sign(database, PLANNER, "plan", signed.plan_id, people["second"], settings, language="ru")
    document = _to_sign(database, PLANNER, "plan", signed.plan_id, settings, language="ru")
    (tmp_path / "nca.crl").write_bytes(revocation_list(pki, [people["second"].certificate]))
    later = Settings(
        attachments_dir=settings.attachments_dir,
        trusted_roots=settings.trusted_roots,
        revocation_lists=str(tmp_path / "nca.crl"),
    )
    (shown,) = document_signatures.signatures(database, VIEWER, "plan", signed.plan_id, settings=later)
    assert (
        not shown.ok and shown.report is not None and [str(p) for p in shown.report.problems] == ["revoked"]
    )
    (tmp_path / "more.crl").write_bytes(revocation_list(pki, [people["official"].certificate]))
    refused = _refusal(
        database,
        PLANNER,
        "plan",
        signed.plan_id,
        document_sha256=document.sha256,
        signature=_cms(people["official"], document.content),
        settings=Settings(
            attachments_dir=settings.attachments_dir,
            trusted_roots=settings.trusted_roots,
            revocation_lists=str(tmp_path / "more.crl"),
        ),
    )
    assert refused.params["problems"] == ("revoked",)


def test_who_may_sign_and_what(database: Database, settings: Settings, people: dict[str, Signer]) -> None:
    signed = sign_records(database)
    document = document_signatures.document_to_sign(
        database,
        INSPECTOR,
        "inspection",
        signed.inspection_id,
        language="kk",
        catalogue=CATALOGUE,
        settings=settings,
    )
    signature = _cms(people["official"], document.content)
    for actor in (VIEWER, OTHER_REGION):
        with pytest.raises(PermissionDenied):
            document_signatures.accept_signature(
                database,
                actor,
                "inspection",
                signed.inspection_id,
                document_sha256=document.sha256,
                signature=signature,
                settings=settings,
            )
    unknown = _refusal(
        database,
        INSPECTOR,
        "inspection",
        signed.inspection_id,
        document_sha256="0" * 64,
        signature=signature,
        settings=settings,
    )
    assert unknown.key == "unknown_document"
    garbage = _refusal(
        database,
        INSPECTOR,
        "inspection",
        signed.inspection_id,
        document_sha256=document.sha256,
        signature=b"<script>alert(1)</script>",
        file_name="evil.cms",
        settings=settings,
    )
    assert garbage.key == "unreadable" and "evil.cms" in say_error("ru", garbage)
    draft = inspections.create_inspection(
        database,
        INSPECTOR,
        inspection_data.BINS[1],
        inspection_data.header(),
        now=inspection_data.NOW,
        catalogue=CATALOGUE,
    )
    with pytest.raises(document_signatures.SignatureNotSignable) as not_yet:
        document_signatures.document_to_sign(
            database, INSPECTOR, "inspection", draft.id, language="kk", catalogue=CATALOGUE, settings=settings
        )
    assert "жоба" in say_error("kk", not_yet.value)


def _two_signers_of_one_revision(
    database: Database, settings: Settings, people: dict[str, Signer]
) -> tuple[Any, Callable[[str], Any]]:
    """A signed inspection (its records) whose form is handed out to sign, and how "official" or "second"
    hands in a signature over that same revision (`accept_signature`)."""
    signed = sign_records(database)
    document = document_signatures.document_to_sign(
        database,
        INSPECTOR,
        "inspection",
        signed.inspection_id,
        language="kk",
        catalogue=CATALOGUE,
        settings=settings,
    )
    signatures = {who: _cms(people[who], document.content) for who in ("official", "second")}

    def sign(who: str) -> Any:
        return document_signatures.accept_signature(
            database,
            INSPECTOR,
            "inspection",
            signed.inspection_id,
            document_sha256=document.sha256,
            signature=signatures[who],
            settings=settings,
        )

    return signed, sign


def test_signers_accepted_at_the_same_instant_each_get_their_own_place(
    database: Database, settings: Settings, people: dict[str, Signer]
) -> None:
    """On PostgreSQL two requests are not serialised by a write lock: both read the same last position, and
    the second to write must read again rather than answer with a database error; it then finds its revision
    signed meanwhile and is asked to sign again."""
    signed, sign = _two_signers_of_one_revision(database, settings, people)
    start = threading.Barrier(2)
    failures: list[BaseException] = []

    def accept(who: str) -> None:
        start.wait()
        try:
            sign(who)
        except BaseException as error:  # reported below, with the thread's own error
            failures.append(error)

    threads = [threading.Thread(target=accept, args=(who,)) for who in ("official", "second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [(type(f), getattr(f, "key", None)) for f in failures] == [
        (document_signatures.SignatureRefused, "stale")
    ]
    (accepted,) = document_signatures.signatures(
        database, VIEWER, "inspection", signed.inspection_id, settings=settings
    )
    other = "second" if accepted.record.signer_iin == "880101300123" else "official"
    _sign(database, INSPECTOR, "inspection", signed.inspection_id, people[other], settings)
    shown = document_signatures.signatures(
        database, VIEWER, "inspection", signed.inspection_id, settings=settings
    )
    assert [s.record.position for s in shown] == [1, 2] and all(s.ok for s in shown)
    assert {s.record.signer_iin for s in shown} == {"880101300123", "910303400789"}
    entries = audit.browse(database, ADMIN, AuditFilter(action="inspection.sign")).entries
    assert sorted(e.after["position"] for e in entries if e.after) == [1, 2]


def _refusal(
    database: Database, actor: Actor, *args: Any, **options: Any
) -> document_signatures.SignatureRefused:
    """The refusal of a signature that `accept_signature` must not accept."""
    with pytest.raises(document_signatures.SignatureRefused) as refused:
        document_signatures.accept_signature(database, actor, *args, **options)
    return refused.value


def _to_sign(
    database: Database, actor: Actor, entity: str, entity_id: int, settings: Settings, language: str = "kk"
) -> document_signatures.DocumentToSign:
    return document_signatures.document_to_sign(
        database, actor, entity, entity_id, language=language, catalogue=CATALOGUE, settings=settings
    )


def _sign(
    database: Database,
    actor: Actor,
    entity: str,
    entity_id: int,
    signer: Signer,
    settings: Settings,
    language: str = "kk",
) -> None:
    """The signer signs what it is handed, and the signature is accepted."""
    handed = _to_sign(database, actor, entity, entity_id, settings, language)
    document_signatures.accept_signature(
        database, actor, entity, entity_id, document_sha256=handed.sha256,
        signature=_cms(signer, handed.content), settings=settings,
    )  # fmt: skip


def test_a_signature_stored_between_the_checks_and_the_insert_makes_the_later_one_stale(
    database: Database, settings: Settings, people: dict[str, Signer], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The interleaving the test above meets only by chance, made to happen: the second request has read the
    earlier signatures (none) when the first one's signature is committed. Its position is the one it read,
    so the unique key refuses it and it is found stale on reading again: one of the two is accepted. (When
    the position was read again at the insert, on PostgreSQL it followed the first's and both were stored.)
    On SQLite the first waits for the second's write lock instead; the outcome is the same."""
    _, sign = _two_signers_of_one_revision(database, settings, people)
    outcomes: dict[str, object] = {}

    def accept(who: str) -> None:
        try:
            outcomes[who] = sign(who)
        except document_signatures.SignatureRefused as refused:
            outcomes[who] = refused.key

    original = document_signatures.signature_store.signatures_of
    first = threading.Thread(target=accept, args=("official",))

    def read_then_let_the_other_commit(*args: Any, **kwargs: Any) -> Any:
        found = original(*args, **kwargs)
        if not first.is_alive() and "official" not in outcomes:
            first.start()
            first.join(timeout=2 if database.dialect == "sqlite" else 30)
        return found

    monkeypatch.setattr(document_signatures.signature_store, "signatures_of", read_then_let_the_other_commit)
    accept("second")
    first.join(timeout=60)
    assert sorted(
        str(type(outcome).__name__) if not isinstance(outcome, str) else outcome
        for outcome in outcomes.values()
    ) == ["SignatureRecord", "stale"], outcomes
