"""Refusals and records say a message key (`tekseru.message`), put into words where they are shown: every
key said with a computed part (a role, a permission, a status, an action) is in all three catalogues, and
`say` / `say_error` fill in nested messages and names in the reader's language."""

from __future__ import annotations

import pytest

from tekseru.catalog_files import load_regions
from tekseru.i18n import LANGUAGES, messages, say, say_error
from tekseru.message import Explained, Message, Names, RegionName, tell
from tekseru.services.permissions import Actor, Permission, PermissionDenied, Role
from tekseru.store.inspections import FROZEN_ACTIONS
from tekseru.store.jobs import CANCELLING, ENDED, QUEUED, RUNNING
from tekseru.store.plans import PLAN_ACTIONS, PLAN_STATUSES

COMPUTED_KEYS = (
    *(f"permission.{permission.value}" for permission in Permission),
    *(f"role.{role.value}" for role in Role),
    *(f"plans.status.{status}" for status in PLAN_STATUSES),
    *(f"refusal.plan.{action}" for action in PLAN_ACTIONS),
    *(f"job.status.{status}" for status in (QUEUED, RUNNING, CANCELLING, *ENDED)),
    *FROZEN_ACTIONS.values(),
)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_computed_key_is_translated(language: str) -> None:
    missing = [key for key in COMPUTED_KEYS if not messages(language).get(key, "").strip()]
    assert not missing, f"{language}: {missing}"


def test_nested_messages_and_names_are_said_in_the_readers_language() -> None:
    region = Names({"kk": "Алматы қаласы", "ru": "город Алматы", "en": "Almaty city"})
    said = tell(
        "refusal.permission_in_region",
        user="x",
        role=tell("role.inspector"),
        action=Permission.READ_REGISTRY.said,
        region=region,
    )
    assert (
        say("kk", said) == "x (инспектор) пайдаланушысына Алматы қаласы бойынша рұқсат жоқ: тізілімді қарау"
    )
    assert (
        say("ru", said)
        == "Пользователю x (инспектор) не разрешено в регионе «город Алматы»: просмотр реестра"
    )
    assert say("en", said) == "x (inspector) may not read the registry in Almaty city"


def test_an_error_without_a_message_or_with_an_unknown_one_keeps_its_own_text() -> None:
    assert say_error("kk", ValueError("plain")) == "plain"
    unknown = Explained("the English text").saying("refusal.nothing_like_this")
    assert say_error("ru", unknown) == "the English text"
    wrong_params = Explained("English").saying("refusal.user.taken")  # {name} not given
    assert say_error("kk", wrong_params) == "English"
    assert say_error("kk", Explained("taken").saying("refusal.user.taken", name="aliya")) == (
        "aliya пайдаланушы аты бос емес"
    )


def test_a_message_round_trips_through_stored_data() -> None:
    said = tell(
        "refusal.plan.frozen",
        plan=3,
        status=tell("plans.status.approved"),
        action=tell("refusal.plan.delete"),
        names=Names({"kk": "а", "en": "a"}),
    )
    assert Message.from_data(said.as_data()) == said
    assert say("ru", Message.from_data(said.as_data())) == say("ru", said)


def test_names_fall_back_to_english_then_to_any() -> None:
    assert Names({"en": "a", "kk": ""}).in_language("kk") == "a"
    assert Names({"ru": "б"}).in_language("kk") == "б"
    assert Names({}).in_language("kk") == ""


def test_a_service_names_a_region_by_its_key_and_the_reader_reads_its_name() -> None:
    """A refusal in a region carries the region's key (`RegionName`): services read no catalogue file, and
    the place that says the refusal names the region in the reader's language from the regions it holds
    (an unknown key, or no regions handed in, as the key itself)."""
    regions = load_regions()
    inspector = Actor("aigerim", Role.INSPECTOR, region="astana")
    with pytest.raises(PermissionDenied) as refused:
        inspector.require(Permission.READ_REGISTRY, region="almaty_city")
    assert refused.value.message is not None
    assert refused.value.message.params["region"] == RegionName("almaty_city")
    assert "Almaty city" in say_error("en", refused.value, regions)
    assert "город Алматы" in say_error("ru", refused.value, regions)
    assert "Алматы қаласы" in say_error("kk", refused.value, regions)
    assert "almaty_city" in say_error("en", refused.value)
    stored = Message.from_data(refused.value.message.as_data())
    assert stored == refused.value.message
    assert say("ru", stored, regions) == say_error("ru", refused.value, regions)
    assert "nowhere" in say(
        "en",
        tell(
            "refusal.permission_in_region",
            user="x",
            role=tell("role.viewer"),
            action=Permission.READ_REGISTRY.said,
            region=RegionName("nowhere"),
        ),
        regions,
    )
