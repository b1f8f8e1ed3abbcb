"""Money as people type it: Italian first, with clear messages; Decimal with two places."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from training.forms import MoneyField, parse_euros


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("120", "120"),
        ("120,00", "120.00"),
        ("120,5", "120.5"),
        ("€ 120", "120"),
        ("€120,00", "120.00"),
        ("120 euro", "120"),
        ("120 EUR", "120"),
        ("1.200", "1200"),
        ("1.200,50", "1200.50"),
        ("1.000.000", "1000000"),
        ("1200.50", "1200.50"),
        ("1,200.50", "1200.50"),
        (" 12\u00a0000,00 ", "12000.00"),
    ],
)
def test_amounts_as_people_write_them(typed, amount):
    assert parse_euros(typed) == Decimal(amount)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("centoventi", "Scrivi un importo in euro, per esempio 120 o 120,50."),
        ("1.2.3,4", "Scrivi un importo in euro, per esempio 120 o 120,50."),
        ("1,2.3", "Scrivi un importo in euro, per esempio 120 o 120,50."),
        ("12.34.56", "Scrivi un importo in euro, per esempio 120 o 120,50."),
        (",5", "Scrivi un importo in euro, per esempio 120 o 120,50."),
        ("５０", "Scrivi un importo in euro, per esempio 120 o 120,50."),
        ("-5", "L'importo non può essere negativo."),
        ("€ -5,00", "L'importo non può essere negativo."),
        ("0,999", "Usa al massimo due decimali (i centesimi)."),
        ("1.000.000,00", "L'importo è troppo alto: al massimo 999.999,99 euro."),
    ],
)
def test_bad_amounts_say_how_to_write_them(typed, message):
    with pytest.raises(ValidationError) as raised:
        MoneyField().clean(typed)
    assert raised.value.messages == [message]


def test_empty_optional_amount_is_none():
    assert MoneyField(required=False).clean("") is None


def test_money_is_shown_back_the_italian_way():
    assert MoneyField().prepare_value(Decimal("1200.5")) == "1200,50"


@given(st.decimals(min_value=0, max_value=Decimal("999999.99"), places=2))
def test_every_amount_shown_back_reads_as_itself(amount):
    field = MoneyField()
    assert field.clean(field.prepare_value(amount)) == amount
