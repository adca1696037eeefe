"""Untrusted supplier names stay inert: escaped in HTML, neutralised in CSV and XLSX."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from openpyxl import load_workbook

from bestvalue.engine import open_warehouse
from bestvalue.ingest.loader import ingest_paths
from bestvalue.ingest.prepare import Options
from bestvalue.pipeline import run_steps
from bestvalue.reference.councils import resolve_council
from bestvalue.schema import ensure_schema
from bestvalue.web import create_app

SCRIPT = "<script>alert(1)</script>"
FORMULA = '=HYPERLINK("http://x")'
SPEND = f"""Body Name,Payment Date,Supplier Name,Amount,Expense Type,Description,Service Area
Salford City Council,01/04/2021,{SCRIPT},1200.00,Computer software,Licence,ICT
Salford City Council,08/04/2021,"{FORMULA.replace('"', '""')}",3400.50,Computer software,Support,ICT
Salford City Council,15/04/2021,Ordinary Supplies Ltd,99.99,Stationery,Paper,Admin
"""


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory, client_for: Any) -> Any:
    folder = tmp_path_factory.mktemp("hostile")
    (folder / "2021-04.csv").write_text(SPEND, encoding="utf-8")
    db = folder / "hostile.duckdb"
    wh = open_warehouse(db)
    ensure_schema(wh)
    summary = ingest_paths(wh, [folder / "2021-04.csv"], Options(council=resolve_council("Salford")))
    assert summary.files[0].loaded == 3, summary.files[0]
    run_steps(wh)
    wh.checkpoint()
    wh.close()
    with client_for(create_app(db)) as c:
        yield c


def _evidence(c: Any, ext: str = "", extra: str = "") -> Any:
    code = resolve_council("Salford")
    assert code is not None
    return c.get(f"/evidence{ext}?council_code={code.gss_code}{extra}")


def _supplier_ids(c: Any) -> dict[str, str]:
    rows = _evidence(c, ".json").json()["rows"]
    return {r["published_supplier"]: r["supplier_id"] for r in rows}


def test_html_escapes_names(hostile: Any) -> None:
    pages = [_evidence(hostile), hostile.get("/search?q=script"), hostile.get("/search?q=HYPERLINK")]
    ids = _supplier_ids(hostile)
    for name in (SCRIPT, FORMULA):
        pages.append(hostile.get(f"/supplier?id={quote(ids[name], safe='')}"))
    for r in pages:
        assert r.status_code == 200
        assert SCRIPT not in r.text  # never as markup
        assert "<script>alert" not in r.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages[0].text
    assert (
        "=HYPERLINK(&#34;http://x&#34;)" in pages[0].text
        or "=HYPERLINK(&quot;http://x&quot;)" in pages[0].text
    )
    supplier_page = pages[3]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in supplier_page.text


def test_json_keeps_names_as_data(hostile: Any) -> None:
    names = set(_supplier_ids(hostile))
    assert {SCRIPT, FORMULA} <= names


def test_csv_neutralises_formulas(hostile: Any) -> None:
    r = _evidence(hostile, ".csv", "&table=rows")
    assert r.status_code == 200
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    published = {row["Published supplier"] for row in rows}
    assert "'" + FORMULA in published
    assert FORMULA not in published
    assert SCRIPT in published  # plain text in CSV; not a formula
    amounts = {row["Amount"] for row in rows}
    assert "3400.5" in amounts  # numbers stay plain numbers


def test_xlsx_neutralises_formulas_and_keeps_types(hostile: Any) -> None:
    r = _evidence(hostile, ".xlsx", "&table=rows")
    wb = load_workbook(io.BytesIO(r.content))
    ws = wb.worksheets[0]
    header = [c.value for c in ws[1]]
    col = header.index("Published supplier")
    amount_col = header.index("Amount")
    date_col = header.index("Spend date")
    cells = [row[col] for row in ws.iter_rows(min_row=2)]
    values = {c.value for c in cells}
    assert "'" + FORMULA in values and FORMULA not in values
    assert all(c.data_type == "s" for c in cells)  # no cell is a formula
    for row in ws.iter_rows(min_row=2):
        assert row[amount_col].data_type == "n" and isinstance(row[amount_col].value, float | int)
        assert row[date_col].is_date


def test_supplier_page_downloads(hostile: Any, tmp_path: Path) -> None:
    ids = _supplier_ids(hostile)
    r = hostile.get(f"/supplier.xlsx?id={quote(ids[FORMULA], safe='')}")
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f"
