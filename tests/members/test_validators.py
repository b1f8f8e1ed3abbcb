import pytest

from members.validators import parse_id


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("42", 42),
        ("007", 7),
        ("999999999999999999", 999999999999999999),
        ("²", None),
        ("١٢", None),
        ("１２", None),
        ("99999999999999999999999", None),
        ("9223372036854775808", None),
        ("\x00", None),
        ("12\x00", None),
        ("12\n", None),
        (" 12", None),
        ("-12", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_id_takes_short_ascii_digits_only(raw, expected):
    assert parse_id(raw) == expected
