"""Load the shipped reference tables (councils) into the warehouse."""

from __future__ import annotations

import polars as pl

from bestvalue.engine import Warehouse
from bestvalue.reference.councils import councils

COUNCIL_COLUMNS = (
    "gss_code",
    "la_code",
    "name",
    "official_name",
    "tier",
    "type_name",
    "nation",
    "region",
    "population",
    "start_date",
    "end_date",
    "replaced_by",
    "rural_urban",
    "rural_urban_broad",
    "peer_label",
    "county_la_code",
)


def load_reference_tables(wh: Warehouse) -> None:
    """Replace ``councils`` with the package's copy (it is reference data, never edited)."""
    rows = [
        (
            c.gss_code,
            c.la_code,
            c.name,
            c.official_name,
            c.tier,
            c.type_name,
            c.nation,
            c.region,
            c.population,
            c.start_date or None,
            c.end_date or None,
            c.replaced_by or None,
            c.rural_urban or None,
            c.rural_urban_broad or None,
            c.peer_label or None,
            c.county_la_code or None,
        )
        for c in councils().values()
    ]
    frame = pl.DataFrame(rows, schema=list(COUNCIL_COLUMNS), orient="row", infer_schema_length=None)
    with wh.transaction(), wh.registered("council_rows", frame.to_arrow()):
        wh.execute("DELETE FROM councils")
        wh.execute(
            f"INSERT INTO councils ({', '.join(COUNCIL_COLUMNS)}) "
            f"SELECT {', '.join(COUNCIL_COLUMNS)} FROM council_rows"
        )
