"""Load the shipped taxonomies into the warehouse tables ``proclass``, ``cpv`` and ``cpv_proclass``."""

from __future__ import annotations

import polars as pl

from bestvalue.classify import sql
from bestvalue.classify.taxonomy import crosswalk, data_rows, taxonomy
from bestvalue.engine import Warehouse


def _proclass_frame() -> pl.DataFrame:
    rows = [
        {
            "code": c.code,
            "level1": c.level1,
            "level2": c.level2,
            "level3": c.level3,
            "clarification": c.clarification,
            "level": c.level,
            "level1_code": c.level1_code,
            "level2_code": c.level2_code,
            "label": c.label,
            "is_ict": c.is_ict,
        }
        for c in taxonomy().codes.values()
    ]
    return pl.DataFrame(rows).with_columns(pl.col("level").cast(pl.Int32))


def _cpv_frame() -> pl.DataFrame:
    rows = data_rows("cpv_2008.csv.gz")
    return pl.DataFrame(
        {
            "code": [r["code"] for r in rows],
            "code8": [r["code"][:8] for r in rows],
            "description": [r["description"] for r in rows],
        }
    )


def _crosswalk_frame() -> pl.DataFrame:
    tax = taxonomy()
    return pl.DataFrame(
        [
            {
                "cpv_prefix": r.cpv_prefix,
                "cpv_code": r.cpv_code,
                "cpv_description": r.cpv_description,
                "proclass_code": r.proclass_code,
                "proclass_level1": tax[r.proclass_code].level1,
                "scope": r.scope,
                "note": r.note,
            }
            for r in sorted(crosswalk(), key=lambda r: r.cpv_prefix)
        ]
    )


def load_taxonomy_tables(wh: Warehouse) -> None:
    """(Re)load the three reference tables when their row counts differ from the shipped files."""
    for table, build in (
        ("proclass", _proclass_frame),
        ("cpv", _cpv_frame),
        ("cpv_proclass", _crosswalk_frame),
    ):
        frame = build()
        if wh.scalar(sql.reference_count(table)) == frame.height:
            continue
        with wh.transaction(), wh.registered("_classify_ref", frame.to_arrow()):
            wh.execute(sql.clear_table(table))
            wh.execute(sql.insert_from(table, "_classify_ref"))
