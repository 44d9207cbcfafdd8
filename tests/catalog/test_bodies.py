"""The state bodies: the Committee as paragraph 2 of the act names it, one territorial department a region."""

from __future__ import annotations

import re

import pytest

from tekseru.catalog.bodies import Bodies, BodiesFile
from tekseru.catalog.regions import UnknownRegion
from tekseru.catalog_files import (
    control_body,
    load_bodies,
    load_catalogue,
    load_regions,
    packaged_edition_folders,
)


def squeezed(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def source_text(edition_id: str) -> str:
    folder = next(f for f in packaged_edition_folders() if f.name == edition_id)
    return squeezed((folder / "source-kk.txt").read_text(encoding="utf-8"))


def test_the_committee_is_named_word_for_word_as_in_paragraph_2_of_the_act() -> None:
    committee = control_body()
    source = committee.source
    assert source.verified and source.edition and source.act
    assert committee.name.kk in source_text(source.edition)
    assert "2. " + committee.name.kk in source_text(source.edition)  # it is paragraph 2 that names it
    assert source.act in {act.key for act in load_catalogue().edition(source.edition).edition.acts}
    assert "халықты әлеуметтік қорғау комитеті" not in committee.name.kk
    assert committee.name.ru.startswith("Комитет труда и социальной защиты Министерства")


def test_every_region_has_exactly_one_territorial_department_named_after_it() -> None:
    bodies = load_bodies()
    regions = load_regions()
    assert bodies.regions == set(regions.keys())
    names = {control_body(region.key).name.kk for region in regions}
    assert len(names) == len(regions)
    for region in regions:
        department = control_body(region.key)
        assert region.name.kk in department.name.kk
        assert department.name.kk.startswith("Еңбек және әлеуметтік қорғау комитетінің")
        assert "Комитета труда и социальной защиты" in department.name.ru


def test_working_names_of_departments_say_they_are_not_verified() -> None:
    for region in load_regions():
        source = control_body(region.key).source
        assert not source.verified and "NOT VERIFIED" in source.reference


def test_a_document_of_one_region_names_its_department_and_of_several_the_committee() -> None:
    bodies = load_bodies()
    assert bodies.control_body_of(["abai", "abai"]) == control_body("abai")
    assert bodies.control_body_of(["abai", "astana"]) == bodies.committee
    assert bodies.control_body_of([]) == bodies.committee
    with pytest.raises(UnknownRegion, match="atlantis"):
        control_body("atlantis")


def test_a_region_with_two_departments_is_refused() -> None:
    department = {"region": "abai", "name": {"kk": "a", "ru": "a", "en": "a"}}
    source = {"verified": False, "act": None, "edition": None, "reference": "r", "note": "n"}
    committee = {"key": "committee", "name": department["name"], "source": source}
    data = {"committee": committee, "territorial_departments": [department | {"source": source}] * 2}
    with pytest.raises(ValueError, match="two territorial departments for the region 'abai'"):
        Bodies(BodiesFile.model_validate(data))
