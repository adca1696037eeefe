"""Periods from --period, file names, title lines and period codes."""

from __future__ import annotations

import datetime as dt

import pytest

from bestvalue.ingest.periods import PeriodError, parse_period, period_code_months, period_from_text

D = dt.date


@pytest.mark.parametrize(
    ("name", "start", "end"),
    [
        ("trafford-supplier-spend-2024-25.zip", D(2024, 4, 1), D(2025, 3, 31)),
        ("2021-04.csv", D(2021, 4, 1), D(2021, 4, 30)),
        ("2019-04_clean.csv", D(2019, 4, 1), D(2019, 4, 30)),
        ("expenditure-over-500-apr-jun-2014.csv", D(2014, 4, 1), D(2014, 6, 30)),
        ("expenditure-over-500-oct-dec-2017.csv", D(2017, 10, 1), D(2017, 12, 31)),
        ("April-2020.csv", D(2020, 4, 1), D(2020, 4, 30)),
        ("Jan22.csv", D(2022, 1, 1), D(2022, 1, 31)),
        ("SpendOver250Feb24.csv", D(2024, 2, 1), D(2024, 2, 29)),
        ("HBC-Spend-OVER-250.00-Mar-22.csv", D(2022, 3, 1), D(2022, 3, 31)),
        ("1694702240wpdm_July-23-csv.csv", D(2023, 7, 1), D(2023, 7, 31)),
        ("Sept-25-CVS.csv", D(2025, 9, 1), D(2025, 9, 30)),
        ("1701.csv", D(2017, 1, 1), D(2017, 1, 31)),
        ("2021-Q3-card.csv", D(2021, 7, 1), D(2021, 9, 30)),
        ("July 2010-September 2010", D(2010, 7, 1), D(2010, 9, 30)),
        ("Jun-13", D(2013, 6, 1), D(2013, 6, 30)),
        # a quarter or a period inside a financial year (Q1 = April to June, P1 = April)
        ("Spend_Over_500_Q1_2021-22.csv", D(2021, 4, 1), D(2021, 6, 30)),
        ("Quarter 3 2021-22 Spend.csv", D(2021, 10, 1), D(2021, 12, 31)),
        ("2021-22 Q4.csv", D(2022, 1, 1), D(2022, 3, 31)),
        ("P01 2021-22.csv", D(2021, 4, 1), D(2021, 4, 30)),
        ("2021-22 P10.csv", D(2022, 1, 1), D(2022, 1, 31)),
        ("Month 12 2021-22.csv", D(2022, 3, 1), D(2022, 3, 31)),
        ("Spend 2019-20 quarterly.csv", D(2019, 4, 1), D(2020, 3, 31)),  # no quarter named
        # ranges of dates written out
        ("Spend over £500 - 1st April 2021 to 30th June 2021.csv", D(2021, 4, 1), D(2021, 6, 30)),
        ("01-04-2021 to 30-04-2021.csv", D(2021, 4, 1), D(2021, 4, 30)),
        ("Apr 2021 - Jun 2021.csv", D(2021, 4, 1), D(2021, 6, 30)),
    ],
)
def test_period_from_file_names(name: str, start: dt.date, end: dt.date) -> None:
    period = period_from_text(name, "file_name")
    assert period is not None
    assert (period.start, period.end) == (start, end)


@pytest.mark.parametrize("name", ["CALL51571.csv", "spend.csv", "Darlington Borough Council - Analysis"])
def test_names_without_periods(name: str) -> None:
    assert period_from_text(name, "file_name") is None


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2021-04", D(2021, 4, 1), D(2021, 4, 30)),
        ("2021-04..2021-06", D(2021, 4, 1), D(2021, 6, 30)),
        ("2021/22", D(2021, 4, 1), D(2022, 3, 31)),
        ("FY2021", D(2021, 4, 1), D(2022, 3, 31)),
        ("2021-Q2", D(2021, 4, 1), D(2021, 6, 30)),
        ("2021", D(2021, 1, 1), D(2021, 12, 31)),
        ("2014-04-01..2014-06-30", D(2014, 4, 1), D(2014, 6, 30)),
    ],
)
def test_period_option(text: str, start: dt.date, end: dt.date) -> None:
    period = parse_period(text)
    assert (period.start, period.end, period.basis) == (start, end, "cli")


@pytest.mark.parametrize("text", ["April", "2021-13", "2021-06..2021-04", "next year"])
def test_bad_period_option(text: str) -> None:
    with pytest.raises(PeriodError):
        parse_period(text)


@pytest.mark.parametrize(
    ("code", "fiscal", "expected"),
    [
        ("202101", True, (2021, 4)),
        ("202101", False, (2021, 1)),
        ("201309", True, (2013, 12)),
        ("202110", True, (2022, 1)),
        ("202113", True, (2022, 3)),
        ("202113", False, None),
    ],
)
def test_period_codes(code: str, fiscal: bool, expected: tuple[int, int] | None) -> None:
    assert period_code_months(code, fiscal) == expected
