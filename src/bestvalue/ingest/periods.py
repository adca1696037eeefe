"""Reporting periods: from ``--period``, file names, preamble lines and period codes."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

MONTHS = {
    name: i for i in range(1, 13) for name in (calendar.month_name[i].lower(), calendar.month_abbr[i].lower())
}
MONTHS["sept"] = 9
_MONTH_ALT = "|".join(sorted(MONTHS, key=len, reverse=True))
MONTH_WORD = re.compile(rf"(?i)(?<![a-z])({_MONTH_ALT})(?![a-z])")


@dataclass(frozen=True)
class Period:
    """A span of whole days, first and last inclusive, and where it was read from."""

    start: dt.date
    end: dt.date
    basis: str

    def label(self) -> str:
        if self.start.day == 1 and self.end == month_end(self.start):
            return self.start.strftime("%Y-%m")
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    def contains(self, day: dt.date, slack_days: int = 0) -> bool:
        return self.start - dt.timedelta(days=slack_days) <= day <= self.end + dt.timedelta(days=slack_days)


class PeriodError(ValueError):
    """A ``--period`` value that cannot be read."""


def month_end(day: dt.date) -> dt.date:
    return dt.date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])


def _month(year: int, month: int, basis: str) -> Period:
    start = dt.date(year, month, 1)
    return Period(start, month_end(start), basis)


def _months(year1: int, month1: int, year2: int, month2: int, basis: str) -> Period:
    return Period(dt.date(year1, month1, 1), month_end(dt.date(year2, month2, 1)), basis)


def financial_year(start_year: int, basis: str) -> Period:
    """April to March."""
    return Period(dt.date(start_year, 4, 1), dt.date(start_year + 1, 3, 31), basis)


def _year(text: str) -> int | None:
    y = int(text)
    if len(text) == 2:
        y += 2000 if y < 70 else 1900
    return y if 1990 <= y <= 2099 else None


def parse_period(text: str) -> Period:
    """Read a ``--period``: ``2021-04``, ``2021-04..2021-06``, ``2021/22`` or ``FY2021``
    (April–March), ``2021-Q2`` (calendar quarter), ``2021`` (calendar year), or ISO dates
    ``2021-04-01..2021-06-30``."""
    s = text.strip()
    if ".." in s:
        a, b = (parse_period(x) for x in s.split("..", 1))
        if b.end < a.start:
            raise PeriodError(f"period {text!r} ends before it starts")
        return Period(a.start, b.end, "cli")
    if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", s):
        d = dt.date(int(m[1]), int(m[2]), int(m[3]))
        return Period(d, d, "cli")
    if (m := re.fullmatch(r"(\d{4})-(\d{1,2})", s)) and 1 <= int(m[2]) <= 12:
        return _month(int(m[1]), int(m[2]), "cli")
    if m := re.fullmatch(r"(?i)(?:fy\s*)?(\d{4})\s*[/-]\s*(\d{2}|\d{4})", s):
        start = int(m[1])
        if int(m[2][-2:]) == (start + 1) % 100:
            return financial_year(start, "cli")
    if m := re.fullmatch(r"(?i)fy\s*(\d{4})", s):
        return financial_year(int(m[1]), "cli")
    if m := re.fullmatch(r"(?i)(\d{4})\s*-?\s*q([1-4])", s):
        q = int(m[2])
        return _months(int(m[1]), 3 * q - 2, int(m[1]), 3 * q, "cli")
    if m := re.fullmatch(r"(\d{4})", s):
        return _months(int(m[1]), 1, int(m[1]), 12, "cli")
    raise PeriodError(f"cannot read period {text!r}: use 2021-04, 2021-04..2021-06, 2021/22, 2021-Q2 or 2021")


_FY = re.compile(r"(?<!\d)(20\d{2})[-_/ ](\d{2})(?!\d)")
_YYYY_MM = re.compile(r"(?<!\d)(20\d{2}|19\d{2})[-_ .]?(0[1-9]|1[0-2])(?![\d])")
_MONTH_RANGE = re.compile(
    rf"(?<![a-z])({_MONTH_ALT})[^a-z0-9]*(?:to|-|_)[^a-z0-9]*({_MONTH_ALT})[^a-z0-9]*((?:19|20)?\d{{2}})(?!\d)"
)
_MONTH_YEAR = re.compile(rf"(?<![a-z])({_MONTH_ALT})(?![a-z])[^a-z0-9]*((?:19|20)\d{{2}}|\d{{2}})(?!\d)")
_YEAR_MONTH_NAME = re.compile(rf"(?<!\d)((?:19|20)\d{{2}})[^a-z0-9]*({_MONTH_ALT})(?![a-z])")
_QUARTER = re.compile(r"(?<!\d)(20\d{2})[-_ ]?q([1-4])(?![a-z0-9])")
_YYMM = re.compile(r"(?<![\d.])(\d{2})(0[1-9]|1[0-2])(?![\d.])")
# Inside a financial year: a quarter (Q1 = April to June) or a period or month number (P1 = April).
_FY_QUARTER = re.compile(r"(?<![a-z0-9])(?:q|qtr|quarter)[\s_-]*([1-4])(?!\d)")
_FY_PERIOD = re.compile(r"(?<![a-z0-9])(?:p|m|period|month)[\s_-]*(0?[1-9]|1[0-2])(?!\d)")
_DAY = r"(?:\d{1,2}(?:st|nd|rd|th)?[^a-z0-9]*)?"
_DAY_MONTH_YEAR_RANGE = re.compile(
    rf"(?<![a-z0-9]){_DAY}({_MONTH_ALT})[^a-z0-9]*((?:19|20)\d{{2}})[^a-z0-9]*(?:to|-|–|_)[^a-z0-9]*"
    rf"{_DAY}({_MONTH_ALT})[^a-z0-9]*((?:19|20)\d{{2}})(?!\d)"
)
_DATE_RANGE = re.compile(
    r"(?<!\d)(\d{1,2})[-./](\d{1,2})[-./]((?:19|20)\d{2})[^a-z0-9]*(?:to|-|–|_)[^a-z0-9]*"
    r"(\d{1,2})[-./](\d{1,2})[-./]((?:19|20)\d{2})(?!\d)"
)


def _within_financial_year(s: str, start: int, basis: str) -> Period:
    """The quarter or period the text names inside the financial year starting in ``start``, else
    the whole year."""
    if m := _FY_QUARTER.search(s):
        first = 3 * int(m[1]) + 1  # Q1 -> April (4), Q4 -> January (13)
        return _months(
            start + (first - 1) // 12,
            (first - 1) % 12 + 1,
            start + (first + 1) // 12,
            (first + 1) % 12 + 1,
            basis,
        )
    if m := _FY_PERIOD.search(s):
        month = (int(m[1]) + 2) % 12 + 1
        return _month(start + (1 if month <= 3 else 0), month, basis)
    return financial_year(start, basis)


def _date_range(m: re.Match[str], basis: str) -> Period | None:
    try:
        first = dt.date(int(m[3]), int(m[2]), int(m[1]))
        last = dt.date(int(m[6]), int(m[5]), int(m[4]))
    except ValueError:
        return None
    return Period(first, last, basis) if first <= last else None


def period_from_text(text: str, basis: str) -> Period | None:
    """A period named in a file name or a title line, or ``None``.

    Understands ``2021-04``, ``trafford-2024-25`` (financial year), ``Q1 2021-22`` and ``P01 2021-22``
    (a quarter or period of it), ``1st April 2021 to 30th June 2021``, ``01-04-2021 to 30-04-2021``,
    ``apr-jun-2014``, ``April-2020``, ``Jan22``, ``2021-Q3`` and, as a last resort, a bare ``1911``
    (YYMM).
    """
    s = text.lower()
    if (m := _DATE_RANGE.search(s)) and (p := _date_range(m, basis)):
        return p
    if m := _FY.search(s):
        start = int(m[1])
        if int(m[2]) == (start + 1) % 100:
            return _within_financial_year(s[: m.start()] + " " + s[m.end() :], start, basis)
    if m := _YYYY_MM.search(s):
        return _month(int(m[1]), int(m[2]), basis)
    if m := _DAY_MONTH_YEAR_RANGE.search(s):
        return _months(int(m[2]), MONTHS[m[1]], int(m[4]), MONTHS[m[3]], basis)
    if m := _MONTH_RANGE.search(s):
        year = _year(m[3])
        if year:
            first, last = MONTHS[m[1]], MONTHS[m[2]]
            start_year = year if first <= last else year - 1
            return _months(start_year, first, year, last, basis)
    if m := _MONTH_YEAR.search(s):
        year = _year(m[2])
        if year:
            return _month(year, MONTHS[m[1]], basis)
    if m := _YEAR_MONTH_NAME.search(s):
        return _month(int(m[1]), MONTHS[m[2]], basis)
    if m := _QUARTER.search(s):
        q = int(m[2])
        return _months(int(m[1]), 3 * q - 2, int(m[1]), 3 * q, basis)
    stem = re.sub(r"\.[a-z0-9]+$", "", s)
    if m := _YYMM.search(stem):
        year = _year(m[1])
        if year and year >= 2000:
            return _month(year, int(m[2]), basis)
    return None


def period_code_months(code: str, fiscal: bool) -> tuple[int, int] | None:
    """``202101`` as (year, month): calendar ``YYYYMM`` or fiscal ``YYYYPP`` (P1 = April)."""
    m = re.fullmatch(r"\s*(\d{4})[-/ ]?(\d{2})\s*", code or "")
    if not m:
        return None
    year, p = int(m[1]), int(m[2])
    if not fiscal:
        return (year, p) if 1 <= p <= 12 else None
    if not 1 <= p <= 16:
        return None
    p = min(p, 12)
    month = (p + 2) % 12 + 1
    return (year + (1 if month <= 3 else 0), month)
