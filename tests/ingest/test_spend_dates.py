"""A published date far outside the period its file covers is not the date of payment."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bestvalue.engine import open_warehouse
from bestvalue.ingest.loader import ingest_paths
from bestvalue.ingest.prepare import Options
from bestvalue.ingest.quality import data_quality
from bestvalue.reference.councils import resolve_council
from bestvalue.schema import ensure_schema


def test_dates_outside_the_files_month_fall_in_its_month(tmp_path: Path) -> None:
    # A monthly file (April 2021, from its name) whose "Transaction Date" column holds a date in the
    # month, one 20 days before it (kept: within 31 days) and one two years before it (an invoice date).
    path = tmp_path / "2021-04.csv"
    path.write_text(
        "Supplier,Transaction Date,Amount\n"
        "ALPHA LTD,2021-04-06,100.00\n"
        "BETA LTD,2021-03-12,200.00\n"
        "GAMMA LTD,2019-12-07,300.00\n"
    )
    wh = open_warehouse(tmp_path / "w.duckdb")
    ensure_schema(wh)
    summary = ingest_paths(wh, [path], Options(council=resolve_council("Darlington")))
    assert summary.loaded_rows == 3
    rows = wh.rows(
        "SELECT s.supplier_name, s.payment_date, s.date_basis, e.spend_date, e.financial_year "
        "FROM spend s JOIN spend_enriched e USING (spend_id) ORDER BY s.amount"
    )
    assert rows == [
        ("ALPHA LTD", dt.date(2021, 4, 6), "payment_date", dt.date(2021, 4, 6), 2021),
        ("BETA LTD", dt.date(2021, 3, 12), "payment_date", dt.date(2021, 3, 12), 2020),
        # the published date is kept; the spend date is the first day of the file's month
        ("GAMMA LTD", dt.date(2019, 12, 7), "outside_period", dt.date(2021, 4, 1), 2021),
    ]
    (source,) = data_quality(wh).sources
    assert source.outside_period_rows == 1 and source.loaded == 3
