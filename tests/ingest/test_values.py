"""Amount and date parsing: table-driven cases, properties, and SQL ≡ Python."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import duckdb
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bestvalue.ingest.pairs import amount_text
from bestvalue.ingest.sql import amount_expr
from bestvalue.ingest.values import AmountError, day_first_votes, parse_amount, parse_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1234.56", "1234.56"),
        ("£1,234.56", "1234.56"),
        ("1,185.60", "1185.60"),
        ("  325 ", "325.00"),
        ("-203.01", "-203.01"),
        ("(12.00)", "-12.00"),
        ("12.00-", "-12.00"),
        ("12.00 CR", "-12.00"),
        ("12.00cr", "-12.00"),
        ("12.00 DR", "12.00"),
        ("-£12.50", "-12.50"),
        ("£-12.50", "-12.50"),
        ("GBP 1,000", "1000.00"),
        ("1,234.56 GBP", "1234.56"),
        ("1\xa0234.56", "1234.56"),
        ("-1\u2009234.56", "-1234.56"),
        ("£1\u202f234", "1234.00"),
        ("+7", "7.00"),
        (".5", "0.50"),
        ("5.", "5.00"),
        ("1.005", "1.01"),
        ("-1.005", "-1.01"),
        ("1.2E3", "1200.00"),
        ("Nil", "0.00"),
        ("-", "0.00"),
        ("N/A", "0.00"),
        ("0", "0.00"),
    ],
)
def test_amounts(text: str, expected: str) -> None:
    assert parse_amount(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["abc", "12.3.4", "1,2a", "(12", "12)", "1e", "--5x", "99999999999999999"])
def test_not_amounts(text: str) -> None:
    with pytest.raises(AmountError):
        parse_amount(text)


@pytest.mark.parametrize("text", [None, "", "   ", "£"])
def test_empty_amount_is_none(text: str | None) -> None:
    assert parse_amount(text) is None


@given(st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=2, allow_nan=False))
def test_amount_round_trips_through_published_styles(value: Decimal) -> None:
    magnitude = abs(value)
    plain = f"{magnitude:.2f}"
    commas = f"{magnitude:,.2f}"
    styles = [f"{value:.2f}", f"£{commas}" if value >= 0 else f"-£{commas}"]
    if value < 0:
        styles += [f"({commas})", f"{plain}-", f"{commas} CR"]
    for text in styles:
        assert parse_amount(text) == value, text


@given(st.text(alphabet="0123456789.,-+()£ CRDEnil/AGBP\xa0\u2009\u202f\t", max_size=14))
@settings(max_examples=600, deadline=None)
def test_sql_amount_parser_agrees_with_python(text: str) -> None:
    try:
        expected = parse_amount(text)
    except AmountError:
        expected = None
    got = duckdb.execute(f"SELECT {amount_expr('t')} FROM (SELECT ?::VARCHAR AS t)", [text]).fetchone()
    assert got is not None
    assert got[0] == expected, repr(text)


@pytest.mark.parametrize(
    ("text", "day_first", "expected"),
    [
        ("2021-04-21", True, dt.date(2021, 4, 21)),
        ("2021-04-21 00:00:00", True, dt.date(2021, 4, 21)),
        ("2021-04-21T13:45:00", True, dt.date(2021, 4, 21)),
        ("24/06/2020", True, dt.date(2020, 6, 24)),
        ("04/01/2017", True, dt.date(2017, 1, 4)),
        ("04/01/2017", False, dt.date(2017, 4, 1)),
        ("02/05/18", True, dt.date(2018, 5, 2)),
        ("13/11/25", True, dt.date(2025, 11, 13)),
        ("05-Oct-21", True, dt.date(2021, 10, 5)),
        ("17 July 2023", True, dt.date(2023, 7, 17)),
        ("3 Apr 2023", True, dt.date(2023, 4, 3)),
        ("14 Sept 2023", True, dt.date(2023, 9, 14)),
        ("43658", True, dt.date(2019, 7, 12)),
        ("43658.0", True, dt.date(2019, 7, 12)),
        ("01.02.2022", True, dt.date(2022, 2, 1)),
        ("30/06/2020 00:00", True, dt.date(2020, 6, 30)),
        # written out, with a weekday, ordinals, commas or a time of day
        ("Thursday, 1 April 2021", True, dt.date(2021, 4, 1)),
        ("1st April 2021", True, dt.date(2021, 4, 1)),
        ("April 1, 2021", True, dt.date(2021, 4, 1)),
        ("01 Apr 2021 12:00:00", True, dt.date(2021, 4, 1)),
        ("01-04-2021 13:45", True, dt.date(2021, 4, 1)),
        ("01-04-2021 13:45", False, dt.date(2021, 1, 4)),
        ("1/4/2021 1:45 PM", True, dt.date(2021, 4, 1)),
        ("01.04.2021 00:00:00", True, dt.date(2021, 4, 1)),
    ],
)
def test_dates(text: str, day_first: bool, expected: dt.date) -> None:
    assert parse_date(text, day_first) == expected


@pytest.mark.parametrize(
    "text",
    ["00:00:00", "", "32/01/2020", "2021-13-01", "yesterday", "12345", "99999", "12:00", "Friday 13:00"],
)
def test_not_dates(text: str) -> None:
    assert parse_date(text) is None


@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_date_round_trips_through_published_styles(day: dt.date) -> None:
    styles = [
        day.isoformat(),
        day.strftime("%d/%m/%Y"),
        day.strftime("%d %B %Y"),
        f"{day.isoformat()} 00:00:00",
    ]
    if 1969 <= day.year <= 2068:  # two-digit years read as 1969-2068
        styles.append(day.strftime("%d-%b-%y"))
    for text in styles:
        assert parse_date(text, day_first=True) == day, text
    assert parse_date(day.strftime("%m/%d/%Y"), day_first=False) == day
    serial = (day - dt.date(1899, 12, 30)).days
    if 25569 <= serial <= 73051:
        assert parse_date(str(serial)) == day


def test_day_first_votes_decide_the_whole_file() -> None:
    assert day_first_votes(["13/01/2020", "01/02/2020"]) == (1, 0)
    assert day_first_votes(["01/13/2020", "02/01/2020"]) == (0, 1)
    assert day_first_votes(["2020-01-13"]) == (0, 0)


_MONEY = st.one_of(st.none(), st.decimals(min_value=Decimal("0"), max_value=Decimal("1e9"), places=2))


@given(st.lists(st.tuples(_MONEY, _MONEY), min_size=1, max_size=20))
@settings(max_examples=150, deadline=None)
def test_debit_minus_credit_texts(pairs: list[tuple[Decimal | None, Decimal | None]]) -> None:
    def text(v: Decimal | None) -> str | None:
        return None if v is None else f"£{v:,.2f}"

    frame = pl.DataFrame(
        {"c0": [text(d) for d, _ in pairs], "c1": [text(c) for _, c in pairs]},
        schema={"c0": pl.String, "c1": pl.String},
    )
    expr, _ = amount_text(frame, {"amount": 0, "credit": 1})
    got = frame.select(expr.alias("a")).get_column("a").to_list()
    want = [None if d is None and c is None else (d or 0) - (c or 0) for d, c in pairs]
    assert [None if g is None else parse_amount(g) for g in got] == want
