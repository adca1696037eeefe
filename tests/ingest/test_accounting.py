"""Per-file accounting when several files share one commit group (one insert, one count)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from bestvalue.engine import Warehouse
from bestvalue.ingest.loader import ingest_paths
from bestvalue.ingest.prepare import Options
from bestvalue.reference.councils import resolve_council

HEADER = "Body Name,Payment Date,Supplier Name,Amount\n"


def test_files_in_one_group_keep_their_own_counts(warehouse: Warehouse, tmp_path: Path) -> None:
    (tmp_path / "2021-04.csv").write_text(
        HEADER
        + "Trafford Council,01/04/2021,ALPHA LTD,10.00\n"
        + "Trafford Council,02/04/2021,BETA LTD,(2.50)\n"
        + "Trafford Council,03/04/2021,GAMMA LTD,ten\n"
        + "Total,,,7.50\n"
    )
    # Every line rejected: nothing of this file reaches spend.
    (tmp_path / "2021-05.csv").write_text(
        HEADER + "Trafford Council,01/05/2021,DELTA LTD,\nTrafford Council,01/05/1990,EPSILON LTD,5.00\n"
    )
    (tmp_path / "2021-06.csv").write_text(HEADER + 'Trafford Council,01/06/2021,ZETA LTD,"£1,000.00"\n')
    files = ingest_paths(warehouse, [tmp_path], Options(council=resolve_council("Trafford"))).files
    got = {
        f.file.rsplit("/", 1)[-1]: (f.rows, f.loaded, f.rejected, f.skipped, f.amount_loaded, f.skipped_kinds)
        for f in files
    }
    assert got == {
        "2021-04.csv": (5, 2, 1, 2, Decimal("7.50"), {"header": 1, "total": 1}),
        "2021-05.csv": (3, 0, 2, 1, Decimal("0.00"), {"header": 1}),
        "2021-06.csv": (2, 1, 0, 1, Decimal("1000.00"), {"header": 1}),
    }
    rejects = warehouse.rows(
        "SELECT s.file_name, r.source_line, r.reason, r.raw_text FROM spend_rejects r "
        "JOIN sources s USING (source_id) ORDER BY 1, 2"
    )
    assert rejects == [
        ("2021-04.csv", 4, "amount not a number: ten", "Trafford Council,03/04/2021,GAMMA LTD,ten"),
        ("2021-05.csv", 2, "amount missing", "Trafford Council,01/05/2021,DELTA LTD,"),
        (
            "2021-05.csv",
            3,
            "payment date 1990-05-01 is out of range",
            "Trafford Council,01/05/1990,EPSILON LTD,5.00",
        ),
    ]
    assert warehouse.rows("SELECT supplier_name, amount FROM spend ORDER BY spend_id") == [
        ("ALPHA LTD", Decimal("10.00")),
        ("BETA LTD", Decimal("-2.50")),
        ("ZETA LTD", Decimal("1000.00")),
    ]
