"""Reading amounts and dates as councils publish them.

These Python functions are the reference definitions: the layout sniffer uses them on
samples, and the warehouse uses the equivalent SQL in :mod:`bestvalue.ingest.sql`, which a
property test holds to the same answers.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

MAX_AMOUNT = Decimal("9999999999999999.99")  # DECIMAL(18,2)
ZERO_WORDS = frozenset({"NIL", "-", "–", "N/A", "NA"})
_AMOUNT_CORE = re.compile(r"(\d+(\.\d*)?|\.\d+)(E[+-]?\d+)?")
_NOISE = re.compile(r"£|GBP|\u00a3|,|\s+")


class AmountError(ValueError):
    """Text that should be an amount but is not one."""


def parse_amount(text: str | None) -> Decimal | None:
    """``"£1,234.50"`` → 1234.50; ``"(12.00)"``, ``"12.00-"``, ``"12.00 CR"`` → -12.00.

    Pound signs, "GBP", thousands commas and spaces are dropped first.

    Empty text gives ``None``; ``"nil"`` and a lone dash give zero; anything else that is not
    a number raises :class:`AmountError`. Values are rounded half away from zero to pence.
    """
    if text is None:
        return None
    s = _NOISE.sub("", text.upper())
    if s == "":
        return None
    if s in ZERO_WORDS:
        return Decimal("0.00")
    negative = False
    if s.endswith("CR"):
        negative, s = True, s[:-2]
    elif s.endswith("DR"):
        s = s[:-2]
    if s.startswith("(") and s.endswith(")"):
        negative, s = True, s[1:-1]
    if s.endswith("-"):
        negative, s = True, s[:-1]
    if s.startswith("-"):
        negative, s = True, s[1:]
    elif s.startswith("+"):
        s = s[1:]
    if not _AMOUNT_CORE.fullmatch(s):
        raise AmountError(f"not an amount: {text!r}")
    try:
        value = Decimal(s).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except InvalidOperation as exc:
        raise AmountError(f"not an amount: {text!r}") from exc
    if value > MAX_AMOUNT:
        raise AmountError(f"amount too large: {text!r}")
    return -value if negative else value


def is_amount(text: str | None) -> bool:
    try:
        return parse_amount(text) is not None
    except AmountError:
        return False


# Formats tried in order; the day-first list is used unless a file proves it is month-first.
ISO_FORMATS = (
    "%Y-%m-%d",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d",
    "%Y%m%d",
)
DAY_FIRST_FORMATS = (
    "%d/%m/%Y",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%y",
    "%d-%m-%Y",
    "%d-%m-%y",
    "%d.%m.%Y",
    "%d.%m.%y",
)
MONTH_FIRST_FORMATS = tuple(
    f.replace("%d", "%D").replace("%m", "%d").replace("%D", "%m") for f in DAY_FIRST_FORMATS
)
NAMED_MONTH_FORMATS = (
    "%d-%b-%y",
    "%d-%b-%Y",
    "%d %b %Y",
    "%d %B %Y",
    "%d-%B-%Y",
    "%d-%B-%y",
    "%d %b %y",
    "%d %B %y",
    "%d/%b/%Y",
    "%d/%b/%y",
    "%b %d %Y",
    "%B %d %Y",
    "%d-%b-%Y %H:%M:%S",
)
EXCEL_SERIAL_MIN, EXCEL_SERIAL_MAX = 25569, 73051  # 1970-01-01 .. 2099-12-31
EXCEL_EPOCH = dt.date(1899, 12, 30)
_EXCEL_SERIAL = re.compile(r"\d{5}(\.0+)?")
_SEPT = re.compile(r"(?i)\bsept\b")


def date_formats(day_first: bool = True) -> tuple[str, ...]:
    """The strptime formats tried for a file, in order."""
    return ISO_FORMATS + (DAY_FIRST_FORMATS if day_first else MONTH_FIRST_FORMATS) + NAMED_MONTH_FORMATS


def clean_date_text(text: str) -> str:
    """Trim, single-space, and spell September as ``Sep``."""
    return _SEPT.sub("Sep", " ".join(text.split()))


_ISO_QUICK = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_SLASH_QUICK = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})(?: \d{1,2}:\d{2}(?::\d{2})?)?")


def _quick(s: str, day_first: bool) -> dt.date | None:
    """The common shapes without strptime: ISO dates and timestamps, ``dd/mm/yyyy``."""
    m = _ISO_QUICK.fullmatch(s)
    if m:
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
    else:
        m = _SLASH_QUICK.fullmatch(s)
        if not m:
            return None
        a, b, y = int(m[1]), int(m[2]), int(m[3])
        d, mo = (a, b) if day_first else (b, a)
    try:
        return dt.date(y, mo, d)
    except ValueError:
        return None


@functools.lru_cache(maxsize=65536)
def parse_date(text: str | None, day_first: bool = True) -> dt.date | None:
    """A calendar date from ISO, ``dd/mm/yyyy``, ``dd-Mon-yy``, timestamps or Excel serials.

    Returns ``None`` for empty or unrecognised text.
    """
    if text is None:
        return None
    s = clean_date_text(text)
    if not s:
        return None
    if s[0].isdigit() and (quick := _quick(s, day_first)) is not None:
        return quick
    if _EXCEL_SERIAL.fullmatch(s):
        serial = int(float(s))
        if EXCEL_SERIAL_MIN <= serial <= EXCEL_SERIAL_MAX:
            return EXCEL_EPOCH + dt.timedelta(days=serial)
        return None
    if not any(ch.isdigit() for ch in s):
        return None
    found = _strptime(s, day_first)
    if found is None and (plain := _plain_date_text(s)) != s:
        found = _quick(plain, day_first) if plain[:1].isdigit() else None
        found = found or _strptime(plain, day_first)
    return found


def _strptime(s: str, day_first: bool) -> dt.date | None:
    for fmt in date_formats(day_first):
        try:
            return dt.datetime.strptime(s, fmt).date()
        except ValueError:
            continue
    return None


_WEEKDAY = re.compile(r"(?i)^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+")
_ORDINAL = re.compile(r"(?i)\b(\d{1,2})(?:st|nd|rd|th)\b")
_TIME = re.compile(r"(?i)[ T]\d{1,2}[:.]\d{2}(?:[:.]\d{2}(?:\.\d+)?)?\s*(?:[ap]\.?m\.?)?$")


def _plain_date_text(s: str) -> str:
    """A date written out with its trimmings dropped: ``Thursday, 1st April 2021 13:45`` →
    ``1 April 2021``; ``April 1, 2021`` → ``April 1 2021``."""
    s = _WEEKDAY.sub("", s)
    s = _ORDINAL.sub(r"\1", s)
    s = _TIME.sub("", s.replace(",", " "))
    return " ".join(s.split())


_SLASHED = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{2,4})\b")


def day_first_votes(values: list[str]) -> tuple[int, int]:
    """(values that only make sense day-first, values that only make sense month-first)."""
    day_first = month_first = 0
    for v in values:
        m = _SLASHED.match(v)
        if not m:
            continue
        a, b = int(m.group(1)), int(m.group(2))
        if a > 12 >= b:
            day_first += 1
        elif b > 12 >= a:
            month_first += 1
    return day_first, month_first
