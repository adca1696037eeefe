"""CSV/XLSX writing, table extraction and formatting rules (table-driven)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Literal

import pytest
from openpyxl import load_workbook
from pydantic import BaseModel, Field

from bestvalue.web import formats
from bestvalue.web.exports import neutralise, sheet_title, write_csv, write_xlsx
from bestvalue.web.tables import Column, Table, columns_of, humanise, tables_of


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+44 161 000", "'+44 161 000"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTAB", "'\tTAB"),
        ("\rCR", "'\rCR"),
        ("Capita plc", "Capita plc"),
        ("a=b", "a=b"),
        ("", ""),
        ("'quoted", "'quoted"),
    ],
)
def test_neutralise(text: str, expected: str) -> None:
    assert neutralise(text) == expected


class Item(BaseModel):
    supplier: str
    amount: float
    share: float
    when: dt.date
    rows: int
    status: Literal["possible_breach", "risk_signal"]
    pounds: Decimal
    cr3: float | None = Field(default=None, description="share of the three largest, %")


class Wrapper(BaseModel):
    name: str
    items: list[Item]


def _table() -> Table:
    items = [
        Item(
            supplier="=cmd|' /C calc'!A0",
            amount=-12.5,
            share=40.0,
            when=dt.date(2021, 4, 1),
            rows=3,
            status="risk_signal",
            pounds=Decimal("1234.56"),
            cr3=80.5,
        ),
        Item(
            supplier="Plain Ltd",
            amount=1000000.0,
            share=60.0,
            when=dt.date(2022, 3, 31),
            rows=1,
            status="possible_breach",
            pounds=Decimal("0.10"),
        ),
    ]
    return tables_of(Wrapper(name="x", items=items))["items"]


def test_column_kinds() -> None:
    kinds = {c.key: c.kind for c in columns_of(Item)}
    assert kinds == {
        "supplier": "text",
        "amount": "money",
        "share": "percent",
        "when": "date",
        "rows": "integer",
        "status": "code",
        "pounds": "money",
        "cr3": "percent",
    }


def test_csv_types_and_escaping() -> None:
    text = write_csv(_table()).decode("utf-8")
    assert text.startswith("\ufeff")
    lines = text[1:].splitlines()
    assert lines[0] == "Supplier,Amount,Share,When,Rows,Status,Pounds,CR3"
    assert lines[1] == "'=cmd|' /C calc'!A0,-12.5,40.0,2021-04-01,3,risk_signal,1234.56,80.5"
    assert lines[2].startswith("Plain Ltd,1000000.0,60.0,2022-03-31,1,possible_breach,0.10,")


def test_xlsx_types_and_escaping() -> None:
    wb = load_workbook(io.BytesIO(write_xlsx([_table()])))
    ws = wb.worksheets[0]
    assert ws.title == "Items"
    assert [c.value for c in ws[1]][:3] == ["Supplier", "Amount", "Share"]
    first = ws[2]
    assert first[0].value == "'=cmd|' /C calc'!A0" and first[0].data_type == "s"
    assert first[1].value == -12.5 and first[1].data_type == "n" and first[1].number_format == "#,##0.00"
    assert first[2].value == 40.0 and first[2].number_format == '0.0"%"'
    assert first[3].is_date and first[3].value.date() == dt.date(2021, 4, 1)
    assert first[4].value == 3
    assert first[6].value == pytest.approx(1234.56)
    assert ws[3][7].value is None


def test_sheet_titles_are_valid_and_unique() -> None:
    taken: set[str] = set()
    a = sheet_title("Payments behind each flag: [all] / every one", taken)
    b = sheet_title("Payments behind each flag: [all] / every one", taken)
    assert len(a) <= 31 and len(b) <= 31 and a != b
    assert not set(a) & set("[]:*?/\\")


def test_empty_workbook_has_a_sheet() -> None:
    wb = load_workbook(io.BytesIO(write_xlsx([])))
    assert wb.sheetnames == ["empty"]


def test_table_without_columns_is_still_a_table() -> None:
    t = Table("t", "T", [Column("a", "A", "text")], [{"a": "=x"}])
    assert write_csv(t).decode("utf-8-sig").splitlines() == ["A", "'=x"]


@pytest.mark.parametrize(
    ("value", "kind", "expected"),
    [
        (1234567.891, "money", "£1,234,568"),
        (12.5, "money", "£12.50"),
        (-12.5, "money", "−£12.50"),
        (1_500_000, "money", "£1,500,000"),
        (25.33, "percent", "25.3%"),
        (dt.date(2021, 4, 1), "date", "1 April 2021"),
        ("no_peers", "code", "No peers"),
        (True, "bool", "Yes"),
        (None, "money", ""),
        (1234, "integer", "1,234"),
    ],
)
def test_formats(value: object, kind: str, expected: str) -> None:
    assert formats.format_value(value, kind) == expected


@pytest.mark.parametrize(
    ("value", "expected"), [(1_500_000, "£1.5m"), (2_400_000_000, "£2.4bn"), (35_000, "£35k"), (12, "£12")]
)
def test_short_money(value: float, expected: str) -> None:
    assert formats.money(value, short=True) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("supplier_name", "Supplier name"),
        ("gss_code", "GSS code"),
        ("hhi", "HHI"),
        ("it_per_head", "IT per head"),
    ],
)
def test_humanise(name: str, expected: str) -> None:
    assert humanise(name) == expected
