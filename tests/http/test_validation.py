"""pydantic's problems of a request said in the reader's language: `msg` changes, nothing else does."""

from __future__ import annotations

from typing import Any, Literal

import pytest
from pydantic import BaseModel, Field, ValidationError

from tekseru.http.validation import translated_problems
from tekseru.message import Explained


class Body(BaseModel):
    model_config = {"extra": "forbid"}
    count: int = Field(gt=0, le=10)
    name: str = Field(min_length=2, max_length=3)
    kind: Literal["import_subjects", "import_evidence"]
    ratio: float = Field(ge=1.5)


def problems(data: dict[str, Any]) -> list[dict[str, Any]]:
    with pytest.raises(ValidationError) as caught:
        Body.model_validate(data)
    return [dict(problem) for problem in caught.value.errors()]


def test_each_common_problem_is_said_in_kazakh_and_russian_with_its_limit() -> None:
    found = problems({"count": 0, "name": "abcd", "kind": "x", "ratio": 1, "other": 1})
    kk = {problem["type"]: problem["msg"] for problem in translated_problems(found, "kk")}
    ru = {problem["type"]: problem["msg"] for problem in translated_problems(found, "ru")}
    assert kk["greater_than"] == "Мән 0 санынан үлкен болуы керек"
    assert ru["string_too_long"] == "Строка должна содержать не более 3 символов"
    assert ru["literal_error"] == "Значение должно быть одним из: 'import_subjects', 'import_evidence'"
    assert ru["greater_than_equal"] == "Значение должно быть не меньше 1.5"
    assert kk["extra_forbidden"] == "Артық өріске рұқсат жоқ"
    assert all(not any(c.isascii() and c.isalpha() for c in text.split(":")[0]) for text in ru.values())


def test_the_structure_is_kept_and_english_is_pydantics_own() -> None:
    found = problems({"name": "a", "kind": "import_subjects", "ratio": "x"})
    for language in ("kk", "ru", "en"):
        said = translated_problems(found, language)
        assert [(p["type"], p["loc"], p["input"], p.get("ctx")) for p in said] == [
            (p["type"], p["loc"], p["input"], p.get("ctx")) for p in found
        ]
    assert translated_problems(found, "en") == found
    assert translated_problems(found, "kk")[0]["msg"] == "Өріс міндетті"


def test_an_unknown_type_or_a_missing_limit_keeps_pydantics_sentence() -> None:
    odd = [{"type": "some_new_type", "loc": ("body", "x"), "msg": "Odd", "input": 1}]
    assert translated_problems(odd, "kk") == odd
    no_limit = [{"type": "greater_than", "loc": ("query", "page"), "msg": "Input should be greater than 0"}]
    assert translated_problems(no_limit, "ru")[0]["msg"] == "Input should be greater than 0"


def test_a_value_error_that_carries_a_message_is_said_from_it() -> None:
    cause = Explained("the English text").saying("refusal.user.region", region="Марс")
    found = [
        {"type": "value_error", "loc": ("body", "region"), "msg": "Value error, x", "ctx": {"error": cause}}
    ]
    assert translated_problems(found, "ru")[0]["msg"] == "неизвестный регион Марс"
