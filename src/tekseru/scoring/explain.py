"""A score told in words a person can follow and check: the class, the formula filled in, the evidence."""

from __future__ import annotations

from collections.abc import Mapping

from tekseru.scoring.phrases import EXPLAIN_WORDS, PREFIX
from tekseru.scoring.result import GroupScore, ScoreFormula


def explain(
    score: GroupScore,
    edition_texts: Mapping[int, str],
    phrases: Mapping[str, str],
    *,
    group_title: str | None = None,
) -> list[str]:
    """Lines explaining `score` in one language: `phrases` are that language's words by message id (every
    id of `EXPLAIN_WORDS`; `tekseru.i18n.explain_words` gives them), `edition_texts` each criterion's text
    in that language by number."""
    missing = [key for key in EXPLAIN_WORDS if not phrases.get(key)]
    if missing:
        raise ValueError(f"the words of explanations lack {', '.join(missing)}")
    words = _Words(phrases)
    lines = [
        words.say(
            "headline",
            group=group_title or score.group,
            as_of=score.as_of.strftime(words["date_format"]),
            score=words.number(score.score, decimals=2),
            risk_class=words[score.risk_class.value],
        )
    ]
    lines += _formula_lines(score, words)
    lines += _counted_lines(score, edition_texts, words)
    lines += _ignored_lines(score, words)
    return lines


class _Words:
    """One language's phrase table (keys without the `explain.` prefix) with number formatting in that
    language's convention."""

    def __init__(self, phrases: Mapping[str, str]) -> None:
        self._phrases = phrases

    def __getitem__(self, key: str) -> str:
        return self._phrases[PREFIX + key]

    def say(self, key: str, **values: object) -> str:
        return self[key].format(**values)

    def number(self, value: float, decimals: int | None = None) -> str:
        """Whole numbers without decimals (counts, 100), others with `decimals` or as few as needed."""
        if decimals is None:
            text = f"{value:.0f}" if value == int(value) else f"{value:.4f}".rstrip("0")
        else:
            text = f"{value:.{decimals}f}"
        return text.replace(".", self["decimal_separator"])


def _formula_lines(score: GroupScore, words: _Words) -> list[str]:
    formula = score.formula
    if score.gross_found:
        lines = [words.say("gross", gross=words.number(formula.gross_violation_score))]
    else:
        lines = [words.say("formula", formula=_sum_text(score, formula, words))]
        if formula.significant_applicable == 0:
            lines.append(words["no_significant"])
        if formula.minor_applicable == 0:
            lines.append(words["no_minor"])
    if score.normalisation is not None:
        applied = score.normalisation
        text = (
            f"R = (R' − R'min) / (R'max − R'min) × {words.number(applied.scale)} = "
            f"({_two(score.raw_score, words)} − {_two(applied.low, words)}) / "
            f"({_two(applied.high, words)} − {_two(applied.low, words)}) × {words.number(applied.scale)} = "
            f"{_two(score.score, words)}"
        )
        lines.append(words.say("normalised", formula=text))
    return lines


def _two(value: float, words: _Words) -> str:
    return words.number(value, decimals=2)


def _sum_text(score: GroupScore, formula: ScoreFormula, words: _Words) -> str:
    significant = _part_text(
        formula.significant_found, formula.significant_applicable, formula.significant_weight, formula, words
    )
    minor = _part_text(formula.minor_found, formula.minor_applicable, formula.minor_weight, formula, words)
    parts = f"{_two(score.significant_part, words)} + {_two(score.minor_part, words)}"
    return f"SP = SPs + SPm = {significant} + {minor} = {parts} = {_two(score.raw_score, words)}"


def _part_text(found: float, applicable: float, weight: float, formula: ScoreFormula, words: _Words) -> str:
    if applicable == 0:
        return "0"
    return (
        f"{words.number(found)} / {words.number(applicable)} × "
        f"{words.number(formula.score_scale)} × {words.number(weight)}"
    )


def _counted_lines(score: GroupScore, texts: Mapping[int, str], words: _Words) -> list[str]:
    if not score.counted:
        return [words["none_counted"]]
    lines = [words["counted_heading"]]
    for hit in score.counted:
        lines.append(
            words.say(
                "counted",
                criterion=hit.criterion,
                severity=words[f"{hit.severity.value}_severity"],
                text=texts.get(hit.criterion, words["no_text"]),
                evidence=", ".join(str(evidence_id) for evidence_id in hit.evidence_ids),
            )
        )
    return lines


def _ignored_lines(score: GroupScore, words: _Words) -> list[str]:
    if not score.ignored:
        return [words["none_ignored"]]
    lines = [words["ignored_heading"]]
    for item in score.ignored:
        reason = words.say(item.reason.value, threshold=score.formula.complaint_threshold)
        lines.append(words.say("ignored", evidence=item.evidence_id, criterion=item.criterion, reason=reason))
    return lines
