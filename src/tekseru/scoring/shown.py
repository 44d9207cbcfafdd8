"""A score as the methodology and every document show it: two decimals."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

__all__ = ["shown_score"]


def shown_score(value: float) -> float:
    """`value` with two decimals, rounded half to even on its decimal form as CLDR formatting rounds it
    (so the JSON says 2.68 where the table says 2,68)."""
    return float(Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN))
