"""KID (kundeidentifikasjonsnummer): the payment reference a payer types in, with its check digit.

Norwegian banks accept KID with a MOD10 (Luhn) or a MOD11 check digit, as the payee agreed with its bank
(Bits/Nets "OCR giro" specification). MOD10 is the default here: from the right, every second digit
(starting with the rightmost) is doubled, the digits of the products summed, and the check digit is what
brings the sum to a multiple of 10. MOD11 weighs the digits 2, 3, 4, 5, 6, 7, 2, 3, ... from the right;
the check digit is 11 − (sum mod 11), 0 when that is 11, and "-" when it is 10.
"""
from __future__ import annotations

METHODS = ("mod10", "mod11")


def mod10(digits: str) -> str:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return str((10 - total % 10) % 10)


def mod11(digits: str) -> str:
    total = sum(int(char) * (2 + index % 6) for index, char in enumerate(reversed(digits)))
    check = 11 - total % 11
    return "0" if check == 11 else "-" if check == 10 else str(check)


def kid(number: int, method: str = "mod10", width: int = 8) -> str:
    """The KID of document `number`: the number padded to `width` digits and its check digit."""
    digits = f"{number:0{width}d}"
    return digits + (mod11(digits) if method == "mod11" else mod10(digits))


def is_valid(value: str, method: str = "mod10") -> bool:
    if len(value) < 2 or not value[:-1].isdigit():
        return False
    return (mod11 if method == "mod11" else mod10)(value[:-1]) == value[-1]
