"""Score cells of imported sheets (prongsai.core.tabular.parse_score): what a hostile cell cannot do."""

from decimal import Decimal

import pytest

from prongsai.core.tabular import MAX_SCORE_DECIMALS, parse_score


@pytest.mark.parametrize(
    "text, value",
    [
        ("91.25", Decimal("91.25")),
        ("๙๑.๒๕", Decimal("91.25")),
        ("100%", Decimal(100)),
        ("0.123456", Decimal("0.123456")),
    ],
)
def test_ordinary_scores_are_read(text, value):
    assert parse_score(text) == value


@pytest.mark.parametrize("text", ["1e-1000000", "1E-30000", "0.1234567", "101", "-1", "NaN", "inf", "abc", ""])
def test_tiny_exponents_extra_decimals_and_non_scores_are_refused(text):
    """'1e-1000000' lies between 0 and 100, but as an exact fraction it would keep a worker busy for minutes."""
    assert parse_score(text) is None


def test_the_decimal_limit_is_above_what_any_published_score_has():
    assert MAX_SCORE_DECIMALS >= 4
