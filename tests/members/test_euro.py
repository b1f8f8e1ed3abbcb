from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.utils import translation

from members.validators import parse_euro


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("12.500,50", "12500.50"),
        ("12500,5", "12500.50"),
        ("€ 12.500", "12500.00"),
        ("12500€", "12500.00"),
        ("12 500,00", "12500.00"),
        ("1.234.567,89", "1234567.89"),
        ("0", "0.00"),
        (" 7,05 ", "7.05"),
        ("€\u00a012.500", "12500.00"),
    ],
)
def test_parse_euro_reads_amounts_typed_the_italian_way(typed, amount):
    assert parse_euro(typed) == Decimal(amount)


@pytest.mark.parametrize(
    "typed", ["", "dodicimila", "12.5", "12,555", "-100", "12.50.0", "1,2,3", "١٢", "12e3", "12.500.50", "1.2345"]
)
def test_parse_euro_refuses_what_is_not_an_amount(typed):
    with pytest.raises(ValidationError) as refused:
        parse_euro(typed)

    assert refused.value.code == "not_an_amount"


def test_parse_euro_refuses_an_amount_its_column_cannot_hold():
    with pytest.raises(ValidationError) as refused:
        parse_euro("10.000.000.000,00", max_digits=12)

    assert refused.value.code == "too_large"
    assert parse_euro("9.999.999.999,99", max_digits=12) == Decimal("9999999999.99")


@pytest.mark.parametrize(("language", "shown"), [("it", "12.500,50\u00a0€"), ("en", "€12,500.50")])
def test_euro_filter_writes_the_amount_as_the_reader_does(language, shown):
    with translation.override(language):
        html = Template("{% load portal %}{{ amount|euro }}").render(Context({"amount": Decimal("12500.5")}))

    assert html == shown
