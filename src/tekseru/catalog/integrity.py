"""Integrity rules an edition must keep; the loader refuses an edition that breaks one."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from tekseru.catalog.artefacts import find_artefacts, vocabulary_of
from tekseru.catalog.edition import CatalogueEdition
from tekseru.catalog.faithfulness import SourceDocument, unfaithful_texts
from tekseru.catalog.schema import Criterion, Text


def check_edition(
    edition: CatalogueEdition,
    criteria_in_file_order: Sequence[Criterion],
    source: SourceDocument | None = None,
) -> list[str]:
    """Every broken rule, in words; an empty list means the edition is sound."""
    faithfulness = list(unfaithful_texts(edition, source)) if source else []
    return [
        *faithfulness,
        *_criteria_numbered_without_gap(criteria_in_file_order),
        *_source_groups_known(edition),
        *_item_links_resolve(edition),
        *_first_source_group_covered(edition),
        *_groups_sound(edition),
        *_parameters_cite_acts(edition),
        *_no_extraction_artefacts(edition, source.text.splitlines() if source else ()),
        *_one_translation_per_kazakh_text(edition),
    ]


def _criteria_numbered_without_gap(criteria: Sequence[Criterion]) -> Iterator[str]:
    numbers = [criterion.number for criterion in criteria]
    expected = list(range(1, len(numbers) + 1))
    if numbers != expected:
        missing = sorted(set(expected) - set(numbers))
        duplicated = sorted({n for n in numbers if numbers.count(n) > 1})
        yield (
            f"criteria must be numbered 1..{len(numbers)} in order with no gap "
            f"(missing {missing}, duplicated {duplicated})"
        )


def _source_groups_known(edition: CatalogueEdition) -> Iterator[str]:
    known = {source.group for source in edition.edition.information_sources}
    for criterion in edition.criteria.values():
        if criterion.source_group not in known:
            number, group = criterion.number, criterion.source_group
            yield f"criterion {number}: source group {group} is not one of {sorted(known)}"


def _item_links_resolve(edition: CatalogueEdition) -> Iterator[str]:
    for checklist in edition.checklists.values():
        for item in checklist.items:
            if item.criterion is not None and item.criterion not in edition.criteria:
                where = f"Appendix {checklist.appendix} item {item.number}"
                yield f"{where}: criterion {item.criterion} does not exist"


def _first_source_group_covered(edition: CatalogueEdition) -> Iterator[str]:
    inspection_group = min((s.group for s in edition.edition.information_sources), default=1)
    linked = {item.criterion for cl in edition.checklists.values() for item in cl.items}
    for criterion in edition.criteria_where(source_group=inspection_group):
        if criterion.number not in linked:
            yield f"criterion {criterion.number} (source group {inspection_group}) is on no checklist"


def _groups_sound(edition: CatalogueEdition) -> Iterator[str]:
    for group in edition.groups.values():
        if group.checklist_appendix not in edition.checklists:
            yield f"group {group.key}: checklist Appendix {group.checklist_appendix} does not exist"
        unknown = sorted(set(group.applicable_criteria) - set(edition.criteria))
        if unknown:
            yield f"group {group.key}: applicable criteria {unknown} do not exist"
        if len(set(group.applicable_criteria)) != len(group.applicable_criteria):
            yield f"group {group.key}: applicable criteria are listed twice"


def _parameters_cite_acts(edition: CatalogueEdition) -> Iterator[str]:
    acts = {act.key for act in edition.edition.acts}
    for parameter in edition.methodology.parameters:
        if parameter.source_act not in acts:
            act = parameter.source_act
            yield f"parameter {parameter.key}: source act {act!r} is not among the edition's acts"


def official_texts(edition: CatalogueEdition) -> Iterator[tuple[str, Text]]:
    """(where, text) for every text of the edition whose Kazakh is the act's own wording."""
    yield "edition title", edition.edition.title
    for provision in edition.edition.provisions:
        yield f"provision {provision.key}", provision.text
    for criterion in edition.criteria.values():
        yield f"criterion {criterion.number}", criterion.text
    for checklist in edition.checklists.values():
        yield f"Appendix {checklist.appendix} title", checklist.title
        for item in checklist.items:
            yield f"Appendix {checklist.appendix} item {item.number}", item.text


def kazakh_texts(edition: CatalogueEdition) -> Iterator[tuple[str, str]]:
    """(where, text) for every official Kazakh text of the edition."""
    for where, text in official_texts(edition):
        yield where, text.kk


def _one_translation_per_kazakh_text(edition: CatalogueEdition) -> Iterator[str]:
    """The act repeats many rows of Appendix 1 word for word in the checklists; a reader comparing a
    criterion with its checklist item must not find two translations of one Kazakh text."""
    first: dict[str, tuple[str, Text]] = {}
    for where, text in official_texts(edition):
        earlier = first.setdefault(text.kk, (where, text))
        for language in ("ru", "en"):
            if earlier[1].in_language(language) != text.in_language(language):
                yield (
                    f"{where}: the Kazakh text is that of {earlier[0]}, "
                    f"but its {language} translation differs from it"
                )


def _no_extraction_artefacts(
    edition: CatalogueEdition, extra_vocabulary: Iterable[str] = ()
) -> Iterator[str]:
    texts = list(kazakh_texts(edition))
    vocabulary = vocabulary_of([text for _, text in texts] + list(extra_vocabulary))
    for where, text in texts:
        for artefact in find_artefacts(text, vocabulary):
            yield f"{where}: extraction artefact, {artefact}"
