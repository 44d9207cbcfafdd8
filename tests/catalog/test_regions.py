"""The 20 regions and the lookup by any of their names."""

from __future__ import annotations

import pytest

from tekseru.catalog.regions import Regions, UnknownRegion, normalise_name
from tekseru.catalog_files import find_region, load_regions


def test_there_are_17_regions_and_3_cities() -> None:
    regions = load_regions()
    assert len(regions) == 20
    cities = [region.key for region in regions if region.kind == "city"]
    assert cities == ["astana", "almaty_city", "shymkent"]
    assert len(set(regions.keys())) == 20


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Astana", "astana"),
        ("Астана", "astana"),
        ("astana", "astana"),
        ("ASTANA CITY", "astana"),
        ("Нұр-Сұлтан", "astana"),
        ("Алматы", "almaty_city"),
        ("Almaty", "almaty_city"),
        ("almaty", "almaty_city"),
        ("город Алматы", "almaty_city"),
        ("Алматы қаласы", "almaty_city"),
        ("Алматы облысы", "almaty_region"),
        ("Almaty region", "almaty_region"),
        ("Алматинская область", "almaty_region"),
        ("almaty_region", "almaty_region"),
        ("  Алматы   облысы ", "almaty_region"),
        ("Туркестан", "turkistan"),
        ("Түркістан облысы", "turkistan"),
        ("Шымкент", "shymkent"),
        ("ВКО", "east_kazakhstan"),
        ("Западно-Казахстанская область", "west_kazakhstan"),
        ("Ұлытау облысы", "ulytau"),
        ("область Абай", "abai"),
        ("Жетісу облысы", "zhetysu"),
    ],
)
def test_find_by_any_name_in_any_case(name: str, key: str) -> None:
    assert find_region(name).key == key


def test_every_official_name_finds_its_region() -> None:
    for region in load_regions():
        for name in (region.key, region.name.kk, region.name.ru, region.name.en, *region.aliases):
            assert find_region(name.upper()) == region


def test_unknown_names_are_refused_with_examples() -> None:
    with pytest.raises(UnknownRegion, match=r"unknown region 'Atlantis'.*Almaty region"):
        find_region(" Atlantis ")


def test_normalising_folds_case_spaces_and_yo() -> None:
    assert normalise_name("  Северо-Казахстанская \t ОБЛАСТЬ ") == "северо-казахстанская область"
    assert normalise_name("Алёна") == "алена"


def test_names_do_not_mix_latin_and_cyrillic_letters() -> None:
    for region in load_regions():
        for name in (region.name.kk, region.name.ru, region.name.en, *region.aliases):
            letters = "".join(ch for ch in name if ch.isalpha())
            assert letters.isascii() or not any(ch.isascii() for ch in letters), (region.key, name)


def test_an_ambiguous_name_is_refused_when_loading() -> None:
    region = load_regions().get("almaty_city")
    twin = region.model_copy(update={"key": "almaty_twin"})
    with pytest.raises(ValueError, match="ambiguous"):
        Regions((region, twin))


def test_get_by_key() -> None:
    assert load_regions().get("shymkent").name.ru == "город Шымкент"
    with pytest.raises(UnknownRegion):
        load_regions().get("Shymkent")


def test_the_reading_order_is_the_kazakh_alphabet_in_kazakh_and_alphabetical_otherwise() -> None:
    """The order a reader looks for a region in: the catalogue's own (the Kazakh alphabet, regions then
    cities) in Kazakh; alphabetical by the name in Russian and English (tester findings 1 and 2)."""
    regions = load_regions()
    assert [region.key for region in regions.reading_order("kk")] == list(regions.keys())
    for language in ("ru", "en"):
        names = [region.name.in_language(language) for region in regions.reading_order(language)]
        assert names == sorted(names, key=str.casefold)
        assert len(names) == 20


def test_every_region_has_its_own_two_digit_code_and_old_keys_print_in_capitals() -> None:
    regions = load_regions()
    codes = [region.code for region in regions]
    assert len(set(codes)) == len(codes) == 20
    assert all(code.isdigit() and len(code) == 2 for code in codes)
    assert regions.code_of("astana") == "71" and regions.code_of("east_kazakhstan") == "63"
    assert regions.code_of("gone_region") == "GONE_REGION"
