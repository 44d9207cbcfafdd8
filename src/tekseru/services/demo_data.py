"""A realistic synthetic registry, so the whole system can be seen working without real data.

Rows come out in the shapes of the import files (docs/import-formats.md), so the demo goes through the same
validation as real data. Everything is seeded: the same seed gives the same registry.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from tekseru.catalog import CatalogueEdition
from tekseru.catalog.identifiers import demo_bins

REGIONS = (
    ("Abai region", "Семей"),
    ("Akmola region", "Көкшетау"),
    ("Aktobe region", "Ақтөбе"),
    ("Almaty region", "Қонаев"),
    ("Atyrau region", "Атырау"),
    ("West Kazakhstan region", "Орал"),
    ("Zhambyl region", "Тараз"),
    ("Zhetysu region", "Талдықорған"),
    ("Karaganda region", "Қарағанды"),
    ("Kostanay region", "Қостанай"),
    ("Kyzylorda region", "Қызылорда"),
    ("Mangystau region", "Ақтау"),
    ("Pavlodar region", "Павлодар"),
    ("North Kazakhstan region", "Петропавл"),
    ("Turkistan region", "Түркістан"),
    ("Ulytau region", "Жезқазған"),
    ("East Kazakhstan region", "Өскемен"),
    ("Astana", "Астана"),
    ("Almaty", "Алматы"),
    ("Shymkent", "Шымкент"),
)
STREETS = (
    "Абай даңғылы",
    "Достық көшесі",
    "Тәуелсіздік көшесі",
    "Сәтбаев көшесі",
    "Бейбітшілік көшесі",
    "Жамбыл көшесі",
    "Қабанбай батыр даңғылы",
    "Әл-Фараби даңғылы",
    "Наурыз көшесі",
    "Мәңгілік Ел даңғылы",
)
PROPER_NAMES = (
    "Мейірім",
    "Шапағат",
    "Үміт",
    "Жанұя",
    "Қамқор",
    "Нұр",
    "Ақниет",
    "Сенім",
    "Бақыт",
    "Жарық",
    "Әулие",
    "Ғасыр",
    "Өркен",
    "Құштар",
    "Ізгі жүрек",
)
KIND_NAMES = {
    "local_executive_body": "{city} қаласының жұмыспен қамту және әлеуметтік бағдарламалар бөлімі",
    "stationary_care": "«{name}» медициналық-әлеуметтік мекемесі",
    "home_care": "«{name}» үйде әлеуметтік қызмет көрсету орталығы",
    "temporary_stay": "«{name}» уақытша болу орталығы",
    "access_high_risk_objects": "«{name}» емханасы",
    "access_other_objects": "«{name}» сауда орталығы",
    "rehabilitation_programme": "«{name}» оңалту орталығы",
}
LEGAL_FORMS = ("ЖШС", "КММ", "ҚБ", "МКК")
# A stationary centre often also serves people at home: the demo shows a subject in several groups.
SECOND_GROUP = {"stationary_care": "home_care", "rehabilitation_programme": "stationary_care"}


@dataclass(frozen=True)
class DemoRegistry:
    subjects: list[dict[str, str]]
    evidence: list[dict[str, str]]


def generate_demo(
    edition: CatalogueEdition, today: date, subjects_per_region: int = 12, seed: int = 2022
) -> DemoRegistry:
    rng = random.Random(seed)
    subjects = list(_subjects(rng, edition, subjects_per_region))
    evidence = [row for subject in subjects for row in _evidence_for(rng, edition, subject, today)]
    return DemoRegistry(subjects=subjects, evidence=evidence)


def _subjects(rng: random.Random, edition: CatalogueEdition, per_region: int) -> Iterator[dict[str, str]]:
    group_keys = sorted(edition.groups)
    bins = demo_bins(len(REGIONS) * per_region, prefix="1907400")
    for region, city in REGIONS:
        for slot in range(per_region):
            group = group_keys[slot % len(group_keys)]
            groups = [group]
            if group in SECOND_GROUP and SECOND_GROUP[group] in edition.groups and rng.random() < 0.4:
                groups.append(SECOND_GROUP[group])
            name = KIND_NAMES.get(group, "«{name}» ұйымы").format(name=rng.choice(PROPER_NAMES), city=city)
            yield {
                "bin": next(bins),
                "name": f"{name} {rng.choice(LEGAL_FORMS)}" if "бөлімі" not in name else name,
                "region": region,
                "address": f"{city}, {rng.choice(STREETS)}, {rng.randint(1, 240)}",
                "groups": "|".join(groups),
            }


def _evidence_for(
    rng: random.Random, edition: CatalogueEdition, subject: dict[str, str], today: date
) -> Iterator[dict[str, str]]:
    applicable = sorted(
        {n for key in subject["groups"].split("|") for n in edition.group(key).applicable_criteria}
    )
    # Skewed: most subjects have little against them, a few have a lot.
    count = min(len(applicable), int(rng.paretovariate(1.4)) - 1)
    complaint_group = int(edition.value("complaint_source_group"))
    for number in rng.sample(applicable, count):
        criterion = edition.criterion(number)
        repeats = rng.randint(1, 3) if criterion.source_group == complaint_group else 1
        for repeat in range(repeats):
            observed = today - timedelta(days=rng.randint(5, 500))
            yield {
                "bin": subject["bin"],
                "criterion": str(number),
                "source_group": str(criterion.source_group),
                "observed_on": observed.isoformat(),
                "reference": _reference(rng, criterion.source_group, complaint_group, number, repeat),
                "confirmed": "true"
                if criterion.source_group != complaint_group or rng.random() < 0.7
                else "false",
            }


def _reference(rng: random.Random, source_group: int, complaint_group: int, number: int, repeat: int) -> str:
    kinds: Sequence[str] = (
        "inspection act No. {n}",
        "media publication {n}",
        "E-Sobes record {n}",
        "complaint No. {n}",
    )
    template = kinds[min(source_group, len(kinds)) - 1] if source_group != complaint_group else kinds[-1]
    return template.format(n=f"{rng.randint(100, 99999)}-{number}-{repeat}")
