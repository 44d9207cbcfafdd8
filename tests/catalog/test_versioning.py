"""Several editions: the one in force on a date, and what changed between two."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from tekseru.catalog import Catalogue, CatalogueEdition, NoEditionInForce, UnknownCatalogueEntry
from tekseru.catalog.diff import diff_editions
from tekseru.catalog_files import load_bodies, load_edition, load_regions

TEST_EDITION = Path(__file__).parent / "editions" / "2030-test"


@pytest.fixture(scope="module")
def test_edition() -> CatalogueEdition:
    return load_edition(TEST_EDITION)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def catalogue(edition_2022: CatalogueEdition, test_edition: CatalogueEdition) -> Catalogue:
    return Catalogue([test_edition, edition_2022], regions=load_regions(), bodies=load_bodies())


def test_edition_in_force_changes_on_the_effective_date(
    catalogue: Catalogue, edition_2022: CatalogueEdition, test_edition: CatalogueEdition
) -> None:
    assert catalogue.edition_at(test_edition.effective_from - timedelta(days=1)).id == edition_2022.id
    assert catalogue.edition_at(test_edition.effective_from).id == "2030-test"
    assert catalogue.edition_at(date(2099, 1, 1)).id == "2030-test"


def test_no_edition_before_the_first(catalogue: Catalogue, edition_2022: CatalogueEdition) -> None:
    with pytest.raises(NoEditionInForce, match="no edition of the act is in force"):
        catalogue.edition_at(edition_2022.effective_from - timedelta(days=1))


def test_editions_are_ordered_and_unique(
    catalogue: Catalogue, edition_2022: CatalogueEdition, test_edition: CatalogueEdition
) -> None:
    assert [e.id for e in catalogue.editions] == [edition_2022.id, "2030-test"]
    with pytest.raises(ValueError, match="unique"):
        Catalogue([test_edition, test_edition], regions=load_regions(), bodies=load_bodies())
    with pytest.raises(UnknownCatalogueEntry, match="no edition 'nope'"):
        catalogue.edition("nope")


def test_diff_lists_added_removed_and_changed(
    edition_2022: CatalogueEdition, test_edition: CatalogueEdition
) -> None:
    result = diff_editions(edition_2022, test_edition)
    removed = {c.key for c in result.of_kind("criterion", "removed")}
    assert removed == {str(n) for n in range(4, 91)}
    changed = {c.key: c.fields for c in result.of_kind("criterion", "changed")}
    assert set(changed) == {"1", "2", "3"}
    assert "text" in changed["1"] and "severity" in changed["2"] and "source_group" in changed["3"]
    assert {c.key for c in result.of_kind("checklist item", "removed")} >= {"3.1", "7.16"}
    assert {c.key for c in result.of_kind("parameter", "changed")} == {
        "significant_weight",
        "minor_weight",
    } | {c.key for c in result.of_kind("parameter", "changed") if c.fields == ("source_act",)}
    assert {c.key for c in result.of_kind("group", "removed")} >= {"home_care", "access_other_objects"}


def test_diff_of_an_edition_with_itself_is_empty(edition_2022: CatalogueEdition) -> None:
    assert diff_editions(edition_2022, edition_2022).changes == ()
