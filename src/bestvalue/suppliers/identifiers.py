"""Strong identifiers as councils publish them, normalised to one spelling each (or ``None``).

* Companies House numbers: 8 characters, either 8 digits (``01800000``) or a 2-character register
  prefix plus 6 digits (``SC123456``, ``OC301234``, ``NI012345``; the prefixes are Companies House's
  own list). Short numbers are zero-padded, ``GB-COH-`` and spaces are removed; all-zero numbers are
  rejected.
* Charity numbers: England and Wales registered numbers (6 or 7 digits, a ``-N`` subsidiary suffix
  dropped), Scottish ``SC0NNNNN`` and Northern Irish ``NIC1NNNNN`` (``NIC`` + 6 digits).
* VAT numbers: 9 digits that pass HMRC's check-digit test (both the pre- and post-2010 schemes), from
  ``GB``-prefixed, spaced, 10-digit-with-leading-zero or 12-digit branch forms (the branch suffix is
  dropped: it is the same registration); government departments ``GD000``-``GD499`` and health
  authorities ``HA500``-``HA999``. Numbers failing the check are treated as absent.
"""

from __future__ import annotations

import re

from bestvalue.suppliers.rules import company_prefixes

_NOT_ALNUM = re.compile(r"[^0-9A-Z]")
_PLACEHOLDER = re.compile(r"^(N/?A|NONE|NIL|NULL|UNKNOWN|TBC|EXEMPT|NOTREGISTERED|NOTVATREGISTERED|-+|0+)$")


def _clean(value: object) -> str:
    if value is None:
        return ""
    text = str(value).strip().upper()
    return "" if _PLACEHOLDER.match(text.replace(" ", "")) else text


def company_number(value: object) -> str | None:
    """A Companies House number in its 8-character form, or ``None`` if it cannot be one."""
    text = _NOT_ALNUM.sub("", _clean(value))
    for prefix in ("GBCOH", "COH"):
        if text.startswith(prefix):
            text = text[len(prefix) :]
    if not text:
        return None
    if text.isdigit():
        return text.zfill(8) if len(text) <= 8 and int(text) > 0 else None
    m = re.fullmatch(r"([A-Z][A-Z0-9])(\d{1,6})", text)
    if m and m.group(1) in company_prefixes() and int(m.group(2)) > 0:
        return m.group(1) + m.group(2).zfill(6)
    return None


def charity_number(value: object) -> str | None:
    """A registered charity number (E&W digits, ``SC0NNNNN`` or ``NIC1NNNNN``), or ``None``."""
    text = _clean(value).replace(" ", "")
    if not text:
        return None
    m = re.fullmatch(r"0*(\d{6,7})(?:[-/]\d{1,3})?", text)
    if m:
        return m.group(1)
    m = re.fullmatch(r"SC0?(\d{5})", text)
    if m:
        return "SC0" + m.group(1)
    m = re.fullmatch(r"NIC(\d{6})", text)
    if m:
        return "NIC" + m.group(1)
    return None


def vat_check(digits: str) -> bool:
    """HMRC's modulus 97 test (old scheme) or modulus 97-55 test (new scheme) on 9 digits."""
    if len(digits) != 9 or not digits.isdigit() or int(digits) == 0:
        return False
    total = sum(int(d) * w for d, w in zip(digits[:7], range(8, 1, -1), strict=True)) + int(digits[7:])
    return total % 97 == 0 or (total + 55) % 97 == 0


def vat_number(value: object) -> str | None:
    """A UK VAT registration as 9 digits (or ``GDnnn``/``HAnnn``), or ``None`` if not valid."""
    text = _NOT_ALNUM.sub("", _clean(value))
    if text.startswith("GB"):
        text = text[2:]
    m = re.fullmatch(r"(GD[0-4]\d\d|HA[5-9]\d\d)", text)
    if m:
        return m.group(1)
    if not text.isdigit():
        return None
    if len(text) == 10 and text.startswith("0"):
        text = text[1:]
    if len(text) == 12:
        text = text[:9]
    return text if vat_check(text) else None
