"""IMO ship identification numbers."""

from __future__ import annotations


def imo_check_digit(first_six: str) -> int:
    """Check digit of an IMO number: digits weighted 7..2, sum mod 10.

    >>> imo_check_digit("907472")
    9
    """
    return sum(int(d) * w for d, w in zip(first_six, range(7, 1, -1), strict=True)) % 10


def normalize_imo(value: str) -> str:
    """Return the 7-digit IMO number, or raise ValueError saying what is wrong.

    Accepts an optional ``IMO`` prefix and spaces.

    >>> normalize_imo("IMO 9074729")
    '9074729'
    >>> normalize_imo("9074728")
    Traceback (most recent call last):
    ...
    ValueError: IMO number 9074728 has a wrong check digit (expected 9)
    """
    text = str(value).strip().upper().removeprefix("IMO").strip()
    if len(text) != 7 or not text.isdigit():
        raise ValueError(f"IMO number must be 7 digits, got {value!r}")
    expected = imo_check_digit(text[:6])
    if int(text[6]) != expected:
        raise ValueError(f"IMO number {text} has a wrong check digit (expected {expected})")
    return text
