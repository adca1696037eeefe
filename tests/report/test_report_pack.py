"""The value-for-money pack for a demo council (Manchester, FY2021-22) in HTML, PDF and XLSX: the PDF is
turned into PNG pages (saved under build/report/) and its text checked for every section heading; the
XLSX is reopened and its totals checked against the insight functions; the HTML's figures and table
cells equal the JSON twin."""

from __future__ import annotations

import datetime as dt
import importlib
import io
import json
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from report_html import Cells

from bestvalue import analytics
from bestvalue.engine import Warehouse, open_warehouse
from bestvalue.ingest.quality import data_quality
from bestvalue.report import VfmPack, build_pack, render_html, render_pdf, render_xlsx
from bestvalue.report.html import cell_text, figure_text
from bestvalue.report.models import Column

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "build" / "report"
COUNCIL, YEAR = "E08000003", 2021  # Manchester, 2021-22
AS_OF = dt.date(2022, 4, 1)
SECTION_TITLES = [
    "1. IT spend baseline and unit costs against peers",
    "2. Supplier landscape: concentration, dependency and lock-in",
    "3. Contracts and renewal pipeline; collaboration",
    "4. Savings signals",
    "5. Probity: flags and their evidence",
    "6. Economy and social value",
    "7. Data quality appendix",
]


@dataclass
class Built:
    wh: Warehouse
    pack: VfmPack
    twin: dict[str, Any]
    html: str
    xlsx: bytes
    pdf: Path


@pytest.fixture(scope="module")
def built(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    copy = tmp_path_factory.mktemp("report") / "report.duckdb"
    shutil.copy(demo_db, copy)
    wh = open_warehouse(copy, read_only=True)
    pack = build_pack(wh, COUNCIL, YEAR, as_of=AS_OF)
    OUT.mkdir(parents=True, exist_ok=True)
    html = render_html(pack)
    xlsx = render_xlsx(pack)
    pdf = OUT / f"vfm-{COUNCIL}-{pack.year_label}.pdf"
    pdf.write_bytes(render_pdf(pack))
    (OUT / f"vfm-{COUNCIL}-{pack.year_label}.html").write_text(html, encoding="utf-8")
    (OUT / f"vfm-{COUNCIL}-{pack.year_label}.xlsx").write_bytes(xlsx)
    yield Built(wh, pack, json.loads(pack.model_dump_json()), html, xlsx, pdf)
    wh.close()


# -- the model ------------------------------------------------------------------------------------
def test_sections_come_in_the_strategy_order(built: Built) -> None:
    assert [f"{s.number}. {s.title}" for s in built.pack.sections] == SECTION_TITLES
    assert built.pack.council.gss_code == COUNCIL and built.pack.financial_year == YEAR


def test_every_figure_and_table_has_a_reference_naming_a_real_function(built: Built) -> None:
    pack = built.pack
    assert [r.n for r in pack.references] == list(range(1, len(pack.references) + 1))
    used = [n for s in pack.sections for n in [*(f.ref for f in s.figures), *(t.ref for t in s.tables)]]
    assert set(used) | {t.ref for t in pack.evidence} == {r.n for r in pack.references}
    first_seen = list(dict.fromkeys(used))
    assert first_seen == sorted(first_seen), "footnotes are numbered in reading order"
    for r in pack.references:
        module, _, name = r.insight.rpartition(".")
        assert callable(getattr(importlib.import_module(module), name)), r.insight
        assert r.call.startswith(r.insight + "(wh")
        assert r.how
    sheets = {t.sheet for s in pack.sections for t in s.tables} | {t.sheet for t in pack.evidence}
    assert all(r.sheet in sheets for r in pack.references if r.sheet)


def test_figures_equal_the_insights(built: Built) -> None:
    wh, pack = built.wh, built.pack
    base = analytics.baseline(wh, COUNCIL, YEAR)
    assert pack.figure("baseline.total_spend").value == base.total_spend
    assert pack.figure("baseline.it_spend").value == base.it_spend
    assert pack.figure("baseline.it_per_head").value == base.it_per_head
    assert pack.figure("baseline.unclassified_amount").value == base.coverage.unclassified_amount
    assert pack.figure("baseline.it_range_high").value == base.it_range_high
    peers = analytics.peers(wh, COUNCIL, YEAR)
    unc = next(m for m in peers.metrics if m.key == "unclassified_share")
    assert pack.figure("baseline.unclassified_share").value == pytest.approx(unc.value)
    savings = analytics.savings(wh, COUNCIL, YEAR)
    assert pack.figure("savings.total").value == savings.total_estimated
    flags = analytics.flags(wh, COUNCIL, YEAR, it_only=True)
    assert pack.figure("flags.total").value == len(flags.flags)
    collab = analytics.collaboration(wh, COUNCIL, YEAR)
    assert pack.figure("collaboration.opportunities").value == len(collab.opportunities)
    quality = data_quality(wh, COUNCIL)
    assert pack.figure("quality.files_all").value == quality.files_loaded
    # the demo sample holds 2021-22 only, so the year's files are all the council's files
    assert pack.table("quality.files").totals["loaded"] == quality.loaded


def test_unclassified_share_and_limits_are_stated(built: Built) -> None:
    s1 = built.pack.sections[0]
    assert any("unclassified" in line for line in s1.summary)
    s6 = built.pack.sections[5]
    assert built.pack.figure("economy.local").value == "not measured"
    assert any("postcode" in line or "address" in line for line in s6.cannot_say)


def test_source_files_end_the_pack_with_hash_and_publisher(built: Built) -> None:
    rows = built.wh.dicts(
        "SELECT source_id, file_name, sha256 FROM sources WHERE council_code = ? AND status = 'loaded'",
        [COUNCIL],
    )
    own = {s.source_id: s for s in built.pack.sources if s.role == "council"}
    assert {r["source_id"] for r in rows} == set(own)
    for r in rows:
        assert own[r["source_id"]].sha256 == r["sha256"] and own[r["source_id"]].file_name == r["file_name"]
        assert own[r["source_id"]].publisher == "Manchester City Council"


# -- HTML against its JSON twin ---------------------------------------------------------------------
def test_html_figures_equal_the_json_twin(built: Built) -> None:
    parsed = Cells()
    parsed.feed(built.html)
    twin_figures = {f["key"]: f for s in built.twin["sections"] for f in s["figures"]}
    assert set(parsed.figures) == set(twin_figures)
    for key, (value, text) in parsed.figures.items():
        f = twin_figures[key]
        assert value == f["value"], key
        model = built.pack.figure(key)
        assert text == figure_text(model.value, model.unit), key


def test_html_table_cells_equal_the_json_twin(built: Built) -> None:
    parsed = Cells()
    parsed.feed(built.html)
    checked = 0
    for s_json, s_model in zip(built.twin["sections"], built.pack.sections, strict=True):
        for t_json, t_model in zip(s_json["tables"], s_model.tables, strict=True):
            for i in range(t_model.shown):
                for c in t_model.columns:
                    if not c.in_html:
                        assert (t_model.key, i, c.key) not in parsed.cells
                        continue
                    value, text = parsed.cells[(t_model.key, i, c.key)]
                    assert value == t_json["rows"][i].get(c.key), (t_model.key, i, c.key)
                    assert text == cell_text(t_model.rows[i].get(c.key), Column(**c.model_dump())).strip()
                    checked += 1
    assert checked > 50
    assert [h for h in parsed.headings if h[:1].isdigit()] == SECTION_TITLES


def test_html_is_self_contained(built: Built) -> None:
    assert "<script" not in built.html
    assert 'src="http' not in built.html and 'href="http' not in built.html
    assert "<svg" in built.html


# -- XLSX ---------------------------------------------------------------------------------------------
def _sheet_rows(wb: Any, name: str) -> list[dict[str, Any]]:
    rows = list(wb[name].iter_rows(values_only=True))
    header = rows[0]
    return [dict(zip(header, r, strict=False)) for r in rows[1:]]


def test_xlsx_has_a_sheet_per_table_and_the_evidence(built: Built) -> None:
    wb = load_workbook(io.BytesIO(built.xlsx))
    expected = [
        "Contents",
        "Figures",
        *(t.sheet for s in built.pack.sections for t in s.tables),
        *(t.sheet for t in built.pack.evidence),
        "References",
        "Sources",
    ]
    assert wb.sheetnames == expected
    for s in built.pack.sections:
        for t in s.tables:
            assert wb[t.sheet].max_row == len(t.rows) + 1, t.sheet
            assert [c.value for c in wb[t.sheet][1]] == [c.label for c in t.columns]


def test_xlsx_totals_equal_the_insights(built: Built) -> None:
    wh = built.wh
    wb = load_workbook(io.BytesIO(built.xlsx))
    base = analytics.baseline(wh, COUNCIL, YEAR)
    cats = _sheet_rows(wb, "1.1 IT by category")
    assert round(sum(r["IT spend (£)"] for r in cats), 2) == pytest.approx(base.it_spend)
    suppliers = _sheet_rows(wb, "2.1 IT suppliers")
    assert round(sum(r["IT spend (£)"] for r in suppliers), 2) == pytest.approx(base.it_spend)
    e1 = _sheet_rows(wb, "E1 IT payments")
    assert len(e1) == min(base.it_rows, built.pack.options.evidence_limit)
    if base.it_rows <= built.pack.options.evidence_limit:
        assert round(sum(r["Amount (£)"] for r in e1), 2) == pytest.approx(base.it_spend)
    e4 = _sheet_rows(wb, "E4 IT suppliers SME VCSE")
    assert round(sum(r["IT spend (£)"] for r in e4), 2) == pytest.approx(base.it_spend)
    savings = analytics.savings(wh, COUNCIL, YEAR)
    signals = _sheet_rows(wb, "4.1 Savings signals")
    assert len(signals) == len(savings.signals)
    assert round(sum(r["Estimated saving (£)"] for r in signals), 2) == pytest.approx(savings.total_estimated)
    e2 = _sheet_rows(wb, "E2 Savings evidence")
    assert len(e2) == min(sum(len(s.rows) for s in savings.signals), built.pack.options.evidence_limit)
    flags = analytics.flags(wh, COUNCIL, YEAR, it_only=True)
    assert len(_sheet_rows(wb, "5.1 Probity flags")) == len(flags.flags)
    e3 = _sheet_rows(wb, "E3 Probity evidence")
    assert len(e3) == min(sum(len(f.rows) for f in flags.flags), built.pack.options.evidence_limit)
    benford = _sheet_rows(wb, "5.3 Benford")
    assert sum(r["Payments"] for r in benford) == sum(d.count for d in flags.benford.digits)
    quality = data_quality(wh, COUNCIL)
    sources = _sheet_rows(wb, "Sources")
    own = {r["Source ID"]: r["SHA-256"] for r in sources if r["Role"] == "council"}
    assert own == {s.source_id: s.sha256 for s in quality.sources if s.status == "loaded"}


def test_xlsx_figures_sheet_carries_values_and_references(built: Built) -> None:
    wb = load_workbook(io.BytesIO(built.xlsx))
    figures = {r["Key"]: r for r in _sheet_rows(wb, "Figures")}
    refs = {r.n: r for r in built.pack.references}
    for s in built.pack.sections:
        for f in s.figures:
            row = figures[f.key]
            assert row["Reference"] == f.ref
            assert row["Computed by"] == refs[f.ref].call + " → " + refs[f.ref].field
            if isinstance(f.value, int | float) and not isinstance(f.value, bool):
                assert row["Value"] == pytest.approx(f.value)
            elif f.value is not None:
                assert row["Value"] == f.value
    linked = [c for c in wb["Figures"]["I"][1:] if c.value]
    assert linked and all(c.hyperlink is not None and c.hyperlink.location for c in linked)


# -- PDF --------------------------------------------------------------------------------------------
def test_pdf_pages_show_every_section(built: Built) -> None:
    if not (shutil.which("pdftoppm") and shutil.which("pdftotext")):
        pytest.skip("poppler-utils (pdftoppm, pdftotext) not installed: apt-get install -y poppler-utils")
    pages = OUT / "pages"
    shutil.rmtree(pages, ignore_errors=True)
    pages.mkdir(parents=True)
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(built.pdf), str(pages / "page")], check=True)
    pngs = sorted(pages.glob("page-*.png"))
    info = subprocess.run(["pdfinfo", str(built.pdf)], check=True, capture_output=True, text=True).stdout
    count = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert len(pngs) == count >= len(SECTION_TITLES) + 1
    assert all(p.stat().st_size > 1000 for p in pngs)
    text = subprocess.run(
        ["pdftotext", str(built.pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    flat = " ".join(text.split())
    for title in [*SECTION_TITLES, "References: how each figure was computed", "Source files"]:
        assert title in flat, title
    positions = [flat.index(t) for t in SECTION_TITLES]
    assert positions == sorted(positions)
    assert built.pack.sources[0].sha256 in flat
    per_page = text.split("\f")
    for title in SECTION_TITLES:  # each section starts a page
        assert any(" ".join(p.split()).find(title) != -1 for p in per_page)
