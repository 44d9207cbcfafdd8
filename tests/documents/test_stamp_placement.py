"""A signature's stamp never covers what the last page shows: the forms and lists tekseru signs end their last
page early enough to leave room for the stamps (a page more when the last one is full), and `sign_pdf` puts
each stamp in the first free place it finds there; a page with no room left gets a signature without a
stamp. Checked with pypdf's own reading of where the page's text is, in Kazakh and Russian, on long and
hostile forms; the signatures still verify, and the issued file is still the signed file's first revision.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from io import BytesIO
from typing import Any

import pytest
from fpdf import FPDF
from pypdf import PdfReader

from tekseru.catalog import CatalogueEdition
from tekseru.documents import rendering, stamps
from tekseru.documents.checklist_form import (
    ChecklistForm,
    Compliance,
    DocumentIdentity,
    ItemAnswer,
    Requirement,
    build_checklist_form,
)
from tekseru.documents.checklist_pdf import checklist_pdf_bytes
from tekseru.documents.fonts import FONT_FAMILY, font_path
from tekseru.documents.rendering import PlanDocument
from tekseru.documents.signatures import SigningKey, TrustSettings, load_key, sign_pdf, verify_pdf
from tekseru.documents.signatures.placement import free_slots
from tekseru.documents.signatures.verifying import only_signed_after
from tekseru.documents.verification import read_verification
from tekseru.planning import HalfYear, form_plan
from tests.documents.checklist_cases import HEADER
from tests.planning.plan_factories import RULES, score
from tests.signing_pki import PASSWORD, Pki, issue_signer, make_pki

Box = tuple[float, float, float, float]
PEOPLE = (
    ("ОСПАНОВ АЙДАР СЕРІКҰЛЫ", "880101300123", "120240012345"),
    ("ПЕТРОВА АННА ИВАНОВНА", "910303400789", "120240012345"),
    ("АХМЕТОВА ДИНА ҚАЙРАТҚЫЗЫ", "900202400456", "010140003456"),
)
MEGABYTE = 1_000_000


@pytest.fixture(scope="module")
def pki() -> Pki:
    return make_pki()


@pytest.fixture(scope="module")
def keys(pki: Pki) -> list[SigningKey]:
    signers = [issue_signer(pki, name, iin, bin=bin, organisation="ТЕКСЕРУ") for name, iin, bin in PEOPLE]
    return [load_key(signer.pkcs12(), PASSWORD) for signer in signers]


@pytest.fixture(scope="module")
def trust(pki: Pki) -> TrustSettings:
    from asn1crypto import x509
    from cryptography.hazmat.primitives.serialization import Encoding

    return TrustSettings((x509.Certificate.load(pki.root.certificate.public_bytes(Encoding.DER)),))


def text_boxes(page: Any) -> list[tuple[str, Box]]:
    """Where pypdf reads each piece of the page's text: from under its baseline to its top, as wide as its
    letters at 0.7 em each (DejaVu Sans' widest capitals)."""
    found: list[tuple[str, Box]] = []

    def visit(text: str, cm: Sequence[float], tm: Sequence[float], font: Any, size: float) -> None:
        if not text.strip():
            return
        d, e, f = tm[3], tm[4], tm[5]
        A, B, C, D, E, F = cm
        x, y = e * A + f * C + E, e * B + f * D + F
        scale = abs(d * D) or 1.0
        height = size * scale
        found.append((text, (x, y - 0.3 * height, x + 0.7 * height * len(text), y + height)))

    page.extract_text(visitor_text=visit)
    return found


def stamp_boxes(data: bytes) -> list[Box]:
    page = PdfReader(BytesIO(data)).pages[-1]
    widgets = [a.get_object() for a in page.get("/Annots", []) if a.get_object().get("/FT") == "/Sig"]
    rects = [tuple(float(v) for v in widget["/Rect"]) for widget in widgets]
    return [(r[0], r[1], r[2], r[3]) for r in rects]


def overlaps(one: Box, other: Box) -> bool:
    return one[0] < other[2] and other[0] < one[2] and one[1] < other[3] and other[1] < one[3]


def sign_all(pdf: bytes, keys: list[SigningKey], language: str) -> bytes:
    signed = pdf
    for key in keys:
        signed = sign_pdf(signed, key, language=language)
    return signed


def check_signed(issued: bytes, signed: bytes, trust: TrustSettings, visible: int) -> list[Box]:
    """The signatures hold and only follow the issued file; `visible` stamps on the last page, each apart
    from the others and from every text of that page and above the footer band."""
    report = verify_pdf(signed, trust)
    assert report.ok and len(report.signers) == len(PEOPLE), report.as_dict()
    assert only_signed_after(signed, len(issued)) and read_verification(signed) == read_verification(issued)
    boxes = [box for box in stamp_boxes(signed) if box[2] - box[0] > 0]
    assert len(boxes) == visible
    texts = text_boxes(PdfReader(BytesIO(signed)).pages[-1])
    assert texts, "the last page has text to keep clear of (at least its footer)"
    for box in boxes:
        assert box[1] >= stamps.FOOT - 1, box
        covered = [text for text, where in texts if overlaps(box, where)]
        assert not covered, (box, covered)
    assert not any(overlaps(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])
    return boxes


def long_form(edition: CatalogueEdition, language: str) -> ChecklistForm:
    """Appendix 3 with every item non-compliant, each with a long comment, the last with 1 MB of text (and a
    NUL byte and a formula in it), and a long list of officials: a form of hundreds of pages."""
    items = edition.checklist(3).items
    comment = "Бұзушылық анықталды; нарушение выявлено: =SUM(A1:A9)\x00 " * 6
    huge = ("Ұзақ түсініктеме, длинный комментарий. " * (MEGABYTE // 30))[:MEGABYTE]
    answers = {
        item.number: ItemAnswer(
            Requirement.REQUIRED, Compliance.NON_COMPLIANT, huge if item is items[-1] else comment
        )
        for item in items
    }
    header = replace(HEADER, officials=tuple(f"Инспектор {n}, бас маман" for n in range(1, 9)))
    identity = DocumentIdentity("тексеру № ABAI-2027-0001, 1-редакция", date(2024, 3, 20))
    return build_checklist_form(edition, 3, language, header=header, answers=answers, identity=identity)


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_stamps_keep_clear_of_a_long_forms_last_page(
    edition: CatalogueEdition, keys: list[SigningKey], trust: TrustSettings, language: str
) -> None:
    issued = checklist_pdf_bytes(long_form(edition, language))
    assert len(PdfReader(BytesIO(issued)).pages) > 100
    signed = sign_all(issued, keys, language)
    check_signed(issued, signed, trust, visible=3)


def forms_ending_low(edition: CatalogueEdition, language: str) -> list[tuple[int, bytes]]:
    """Sealed forms of Appendix 2 with 1 to 30 officials: one of them fills its last page to the foot."""
    found = []
    for count in range(1, 31):
        header = replace(HEADER, officials=tuple(f"Инспектор {n}" for n in range(count)))
        identity = DocumentIdentity("тексеру № ABAI-2027-0001, 1-редакция", date(2024, 3, 20))
        form = build_checklist_form(edition, 2, language, header=header, identity=identity)
        found.append((count, checklist_pdf_bytes(form)))
    return found


def body_bottom(page: Any) -> float:
    """The lowest text of the page above its footer band, in points from the foot."""
    return min(
        (where[1] for _, where in text_boxes(page) if where[1] > stamps.FOOT),
        default=float(page.mediabox.top),
    )


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_a_full_last_page_gets_a_page_for_the_stamps(
    edition: CatalogueEdition, keys: list[SigningKey], trust: TrustSettings, language: str
) -> None:
    forms = forms_ending_low(edition, language)
    added = []
    for officials, pdf in forms:
        pages = PdfReader(BytesIO(pdf)).pages
        room = stamps.stamp_rows_height(stamps.stamp_rows(officials + 1))  # the officials and the head
        bottom = body_bottom(pages[-1])
        assert bottom >= room - stamps.MARGIN, "the stamps of every signatory fit under the last text"
        if bottom >= float(pages[-1].mediabox.top) - 40 and len(pages) > 1:  # nothing but the page's top
            assert body_bottom(pages[-2]) < room, "a page is added only when the last one has no room"
            added.append(pdf)
    assert added, "among the forms, one whose last page is full"
    check_signed(added[0], sign_all(added[0], keys, language), trust, visible=3)
    # And one whose text ends just above the room kept for the stamps.
    lowest = min(forms, key=lambda pair: body_bottom(PdfReader(BytesIO(pair[1])).pages[-1]))[1]
    check_signed(lowest, sign_all(lowest, keys, language), trust, visible=3)


def page_of_text(lines: int) -> bytes:
    """A PDF made elsewhere: one A4 page with `lines` lines of text from the top."""
    pdf = FPDF(unit="pt", format="A4")
    pdf.add_font(FONT_FAMILY, fname=str(font_path()))
    pdf.set_auto_page_break(auto=False)
    pdf.add_page()
    pdf.set_font(FONT_FAMILY, size=10)
    for line in range(lines):
        pdf.text(40, 40 + 14 * line, f"Жол {line}: мәтін, текст, text " * 4)
    return bytes(pdf.output())


def test_a_page_made_elsewhere_keeps_its_text_clear(keys: list[SigningKey], trust: TrustSettings) -> None:
    half = page_of_text(25)  # the lower half is free: three stamps in the first row
    boxes = check_signed(half, sign_all(half, keys, "kk"), trust, visible=3)
    assert len({box[1] for box in boxes}) == 1
    full = page_of_text(57)  # to the foot: no room, so signatures without a stamp
    check_signed(full, sign_all(full, keys, "ru"), trust, visible=0)


def test_free_slots_skip_what_is_drawn() -> None:
    page = (0.0, 0.0, 595.0, 842.0)
    every = free_slots(page, [])
    assert every[0][:2] == (stamps.LEFT, stamps.FOOT) and len(every) % stamps.PER_ROW == 0
    # Something in the first slot's corner: the first free slot is the next one, and none comes near it.
    thing = (50.0, 60.0, 60.0, 70.0)
    slots = free_slots(page, [thing])
    assert slots[0] == every[1] and every[0] not in slots
    assert not free_slots(page, [(0.0, stamps.FOOT, 595.0, 842.0)])


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_an_approved_list_leaves_room_for_its_stamps(
    edition: CatalogueEdition, keys: list[SigningKey], trust: TrustSettings, language: str
) -> None:
    every = tuple(sorted(edition.criteria))
    half_year = HalfYear(2027, 1)
    for rows in (8, 12, 16, 20, 24):
        scores = [
            score(f"s{index}", 99 - index, group="stationary_care", reasons=every) for index in range(rows)
        ]
        plan = form_plan(half_year, scores, [], RULES, {"Astana": rows})
        document = PlanDocument(
            plan,
            language=language,
            state_body="Еңбек және әлеуметтік қорғау комитеті",
            approval=("Ә. Нұрғали", date(2026, 12, 20)),
            group_names={},
            reason_texts={number: f"criterion {number}" for number in every},
            number=12,
            status="approved",
        )
        issued = rendering.render("plan", "pdf", document)
        page = PdfReader(BytesIO(issued)).pages[-1]
        assert body_bottom(page) >= stamps.stamp_rows_height(1) - stamps.MARGIN, rows
    signed = sign_pdf(issued, keys[0], language=language)
    report = verify_pdf(signed, trust)
    assert report.ok
    (box,) = stamp_boxes(signed)
    assert not [
        text for text, where in text_boxes(PdfReader(BytesIO(signed)).pages[-1]) if overlaps(box, where)
    ]
