"""How values read on a page: £ amounts, percentages, counts and dates in GOV.UK style."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any


def money(value: Any, short: bool = False) -> str:
    """``£1,234,567`` (pence shown below £1,000); ``short``: ``£1.2m``, ``£350k``."""
    if value is None:
        return ""
    v = float(value)
    sign = "−" if v < 0 else ""
    a = abs(v)
    if short:
        if a >= 1e9:
            return f"{sign}£{a / 1e9:.1f}bn"
        if a >= 1e6:
            return f"{sign}£{a / 1e6:.1f}m"
        if a >= 1e3:
            return f"{sign}£{a / 1e3:.0f}k"
        return f"{sign}£{a:,.0f}"
    return f"{sign}£{a:,.2f}" if a < 1000 else f"{sign}£{a:,.0f}"


def percent(value: Any, short: bool = False) -> str:
    """A percentage (0–100, as the insights hold shares) shown as ``25.3%``."""
    if value is None:
        return ""
    v = float(value)
    return f"{v:.0f}%" if short else f"{v:.1f}%"


def number(value: Any, short: bool = False) -> str:
    if value is None:
        return ""
    v = float(value)
    if short and abs(v) >= 1e6:
        return f"{v / 1e6:.1f}m"
    if short and abs(v) >= 1e3:
        return f"{v / 1e3:.0f}k"
    if isinstance(value, int) or v.is_integer():
        return f"{v:,.0f}"
    return f"{v:,.2f}" if abs(v) >= 10 else f"{v:,.3f}".rstrip("0").rstrip(".")


def date(value: Any) -> str:
    """``1 April 2021`` (GOV.UK date style)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return f"{value.day} {value:%B %Y %H:%M}"
    if isinstance(value, dt.date):
        return f"{value.day} {value:%B %Y}"
    return str(value)


def format_value(value: Any, kind: str, short: bool = False) -> str:
    """Any table or chart value as text, by column kind."""
    if value is None:
        return ""
    if kind == "money":
        return money(value, short)
    if kind == "percent":
        return percent(value, short)
    if kind in ("number", "integer"):
        return number(value, short)
    if kind in ("date", "datetime"):
        return date(value)
    if kind == "bool":
        return "Yes" if value else "No"
    if kind == "code":
        text = str(value).replace("_", " ")
        return text[:1].upper() + text[1:]
    if isinstance(value, Decimal | float):
        return number(value, short)
    return str(value)
