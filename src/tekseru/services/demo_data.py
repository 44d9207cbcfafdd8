"""A realistic synthetic registry, so the whole system can be seen working without real data.

Rows come out in the shapes of the import files (docs/import-formats.md), so the demo goes through the same
validation as real data: subjects `bin,name,region,address,groups` (groups separated by `|`, the region by
its Kazakh name) and evidence `bin,criterion,source_group,observed_on,reference,confirmed`. Every region
has subjects of every control group; a few subjects are in two groups. Evidence spreads over the last 500
days, so some is past the assessed period; complaints come one to three at a time, some not confirmed.
Everything is seeded: the same seed and day give the same registry. The BINs are made up.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from tekseru.catalog import CatalogueEdition
from tekseru.catalog.identifiers import demo_bins
from tekseru.catalog.regions import Regions

SUBJECT_COLUMNS = ("bin", "name", "region", "address", "groups")
EVIDENCE_COLUMNS = ("bin", "criterion", "source_group", "observed_on", "reference", "confirmed")
# The administrative centre of each region, for addresses and for the names of local executive bodies.
CENTRES = {
    "abai": "Семей",
    "akmola": "Көкшетау",
    "aktobe": "Ақтөбе",
    "almaty_region": "Қонаев",
    "atyrau": "Атырау",
    "west_kazakhstan": "Орал",
    "zhambyl": "Тараз",
    "zhetysu": "Талдықорған",
    "karaganda": "Қарағанды",
    "kostanay": "Қостанай",
    "kyzylorda": "Қызылорда",
    "mangystau": "Ақтау",
    "pavlodar": "Павлодар",
    "north_kazakhstan": "Петропавл",
    "turkistan": "Түркістан",
    "ulytau": "Жезқазған",
    "east_kazakhstan": "Өскемен",
    "astana": "Астана",
    "almaty_city": "Алматы",
    "shymkent": "Шымкент",
}
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
# A stationary centre often also serves people at home: the demo shows subjects in two groups.
SECOND_GROUP = {"stationary_care": "home_care", "rehabilitation_programme": "stationary_care"}
SECOND_GROUP_SHARE = 0.4
LOOKBACK_DAYS = (5, 500)


@dataclass(frozen=True)
class DemoRegistry:
    """Rows of the subjects file and of the evidence file, as dicts of column name to text."""

    subjects: list[dict[str, str]]
    evidence: list[dict[str, str]]


def generate_demo(
    edition: CatalogueEdition,
    regions: Regions,
    today: date,
    subjects_per_region: int = 12,
    seed: int = 2022,
) -> DemoRegistry:
    """`subjects_per_region` subjects in each of the regions (at least one per control group when it is
    at least the number of groups) and their evidence, observed before `today`."""
    rng = random.Random(seed)
    subjects = list(_subjects(rng, edition, regions, subjects_per_region))
    evidence = [row for subject in subjects for row in _evidence_for(rng, edition, subject, today)]
    return DemoRegistry(subjects=subjects, evidence=evidence)


def _subjects(
    rng: random.Random, edition: CatalogueEdition, regions: Regions, per_region: int
) -> Iterator[dict[str, str]]:
    group_keys = sorted(edition.groups)
    bins = demo_bins(len(regions) * per_region, prefix="1907400")
    for region in regions:
        city = CENTRES.get(region.key, region.name.kk)
        for slot in range(per_region):
            group = group_keys[slot % len(group_keys)]
            groups = [group]
            second = SECOND_GROUP.get(group)
            if second is not None and second in edition.groups and rng.random() < SECOND_GROUP_SHARE:
                groups.append(second)
            name = KIND_NAMES.get(group, "«{name}» ұйымы").format(name=rng.choice(PROPER_NAMES), city=city)
            yield {
                "bin": next(bins),
                "name": name if group == "local_executive_body" else f"{name} {rng.choice(LEGAL_FORMS)}",
                "region": region.name.kk,
                "address": f"{city}, {rng.choice(STREETS)}, {rng.randint(1, 240)}",
                "groups": "|".join(groups),
            }


def _evidence_for(
    rng: random.Random, edition: CatalogueEdition, subject: dict[str, str], today: date
) -> Iterator[dict[str, str]]:
    keys = subject["groups"].split("|")
    applicable = sorted({number for key in keys for number in edition.group(key).applicable_criteria})
    # Skewed: most subjects have little against them, a few have a lot.
    count = min(len(applicable), int(rng.paretovariate(1.4)) - 1)
    complaint_group = edition.value("complaint_source_group")
    for number in rng.sample(applicable, count):
        criterion = edition.criterion(number)
        complaint = criterion.source_group == complaint_group
        for repeat in range(rng.randint(1, 3) if complaint else 1):
            observed = today - timedelta(days=rng.randint(*LOOKBACK_DAYS))
            yield {
                "bin": subject["bin"],
                "criterion": str(number),
                "source_group": str(criterion.source_group),
                "observed_on": observed.isoformat(),
                "reference": _reference(rng, criterion.source_group, complaint, number, repeat),
                "confirmed": _confirmed(rng) if complaint else "",
            }


def _confirmed(rng: random.Random) -> str:
    """Complaints: 70 % confirmed, 20 % not, 10 % not known yet."""
    draw = rng.random()
    return "true" if draw < 0.7 else "false" if draw < 0.9 else ""


def _reference(rng: random.Random, source_group: int, complaint: bool, number: int, repeat: int) -> str:
    kinds = ("inspection act No. {n}", "media publication {n}", "E-Sobes record {n}", "complaint No. {n}")
    template = kinds[-1] if complaint else kinds[min(source_group, len(kinds)) - 1]
    return template.format(n=f"{rng.randint(100, 99999)}-{number}-{repeat}")
