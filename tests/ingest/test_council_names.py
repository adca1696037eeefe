"""Council names as files publish them: abbreviations of the council's kind, and a body name
followed by the part of the council that paid."""

from __future__ import annotations

from pathlib import Path

import pytest

from bestvalue.engine import Warehouse
from bestvalue.ingest.loader import ingest_paths
from bestvalue.reference.councils import council_from_name, resolve_council


@pytest.mark.parametrize(
    ("text", "gss"),
    [
        ("Leeds City Council", "E08000035"),
        ("LB Camden", "E09000007"),
        ("London Borough of Camden", "E09000007"),
        ("00DA", "E08000035"),
        ("E08000035", "E08000035"),
    ],
)
def test_resolve_council(text: str, gss: str) -> None:
    found = resolve_council(text)
    assert found is not None and found.gss_code == gss


@pytest.mark.parametrize(
    ("text", "gss"),
    [
        ("Leeds City Council - Adults and Health", "E08000035"),
        ("Leeds City Council (Children's Services)", "E08000035"),
        ("Salford City Council | Procurement", "E08000006"),
        ("Leeds Teaching Hospitals NHS Trust", None),  # a place is not its council
        ("Some Care Provider - Leeds", None),  # the council must come first
    ],
)
def test_body_names_with_the_paying_part(text: str, gss: str | None) -> None:
    found = council_from_name(text)
    assert (found.gss_code if found else None) == gss
    # the strict resolver takes whole names only
    if " - " in text or "(" in text:
        assert resolve_council(text) is None


def test_file_whose_body_name_names_the_paying_part(warehouse: Warehouse, tmp_path: Path) -> None:
    f = tmp_path / "2021-04.csv"
    f.write_text(
        "Body Name,Payment Date,Supplier Name,Amount\n"
        "Leeds City Council - Adults and Health,01/04/2021,ACME LTD,10.00\n"
        "Leeds City Council - Children and Families,02/04/2021,BETA LTD,20.00\n",
        encoding="utf-8",
    )
    (res,) = ingest_paths(warehouse, [f]).files
    assert (res.status, res.council, res.loaded) == ("loaded", "E08000035", 2)
