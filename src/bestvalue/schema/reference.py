"""Load the shipped reference tables (councils) into the warehouse."""

from __future__ import annotations

from bestvalue.engine import Warehouse
from bestvalue.reference.councils import councils


def load_reference_tables(wh: Warehouse) -> None:
    """Replace ``councils`` with the package's copy (it is reference data, never edited)."""
    rows = [
        (
            c.gss_code, c.la_code, c.name, c.official_name, c.tier, c.type_name, c.nation, c.region,
            c.population, c.start_date or None, c.end_date or None, c.replaced_by or None,
            c.rural_urban or None, c.rural_urban_broad or None, c.peer_label or None, c.county_la_code or None,
        )
        for c in councils().values()
    ]
    with wh.transaction():
        wh.execute("DELETE FROM councils")
        wh.executemany("INSERT INTO councils VALUES (" + ", ".join(["?"] * 16) + ")", rows)
