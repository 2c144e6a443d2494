"""Money amounts as every document shows them: `Decimal`, rounded half up to cents."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def quantize_amount(amount: Decimal) -> Decimal:
    """Round an amount to cents (half up), the way every document here shows it.

    Args:
        amount: Any Decimal amount.

    Returns:
        The amount quantized to 0.01.
    """
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def format_amount(amount: Decimal) -> str:
    """Format an amount as it appears on invoices: thousands commas, two decimals.

    Args:
        amount: The amount, e.g. `Decimal("1234.5")`.

    Returns:
        The display string, e.g. `"1,234.50"` (negative amounts keep a leading `-`).
    """
    return f"{quantize_amount(amount):,.2f}"


def check_decimal(value: object, what: str) -> None:
    if not isinstance(value, Decimal):
        raise TypeError(f"{what} must be a Decimal, not {type(value).__name__}")
    if not value.is_finite():
        raise ValueError(f"{what} must be finite, got {value}")
