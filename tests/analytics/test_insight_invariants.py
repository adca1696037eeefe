"""Invariants of every insight over real data: the demo sample and all of ../shared/data/spend.

Shares sum to 100%, breakdowns sum to their totals, evidence selections add up to the figures they
stand behind, every flag and signal carries rows, scores stay within their bounds, and the
materialised insight table gives exactly what the live view gives.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from analytics_hand import DARLINGTON, Hand

from bestvalue import analytics
from bestvalue.analytics.refresh import refresh
from bestvalue.analytics.scope import LIVE, MATERIALISED, reader
from bestvalue.engine import Warehouse, open_warehouse
from bestvalue.ingest.loader import ingest_paths
from bestvalue.ingest.prepare import Options
from bestvalue.pipeline import run_steps
from bestvalue.reference.councils import resolve_council
from bestvalue.schema import ensure_schema


def close(a: float, b: float, n: int = 1) -> bool:
    """Equal to the penny, allowing a penny of rounding per line added."""
    return abs(a - b) <= 0.01 * max(n, 1) + 1e-6


def check_council(wh: Warehouse, code: str) -> None:
    b = analytics.baseline(wh, code)
    for lines in (b.by_category, b.by_supplier, b.by_department, b.by_quarter):
        assert close(sum(x.amount for x in lines), b.it_spend, len(lines)), (code, lines)
    if b.it_spend > 0:
        assert close(sum(x.share for x in b.by_category), 100.0 * (1 if b.it_spend > 0 else 0), 10)
    assert b.it_range_low <= b.it_range_high
    assert close(b.coverage.amount, b.total_spend)
    assert close(b.coverage.classified_amount + b.coverage.unclassified_amount, b.total_spend)
    assert close(analytics.evidence_rows(wh, b.evidence, limit=0).total_amount, b.it_spend)

    m = analytics.market(wh, code, b.financial_year, top=10**6)
    for c in m.categories:
        if c.suppliers:
            assert close(sum(s.share for s in c.shares), 100.0, len(c.shares)), c.category
            assert c.hhi is not None and 0 < c.hhi <= 10000
            assert c.cr3 is not None and 0 < c.cr3 <= 100.0001

    p = analytics.peers(wh, code, b.financial_year)
    assert all(x.council.tier == b.council.tier for x in p.peers)

    lk = analytics.lockin(wh, code, b.financial_year)
    for i in lk.items:
        assert 0 <= i.score <= i.max_score <= 100
        assert close(sum(c.points for c in i.components if c.available), i.score, 6)

    co = analytics.collaboration(wh, code, b.financial_year)
    for o in co.opportunities:
        assert o.at_stake >= o.council_amount and len(o.councils) >= 2

    sv = analytics.savings(wh, code, b.financial_year)
    for s in sv.signals:
        assert s.rows and s.estimated_saving >= 0, s.title
    assert close(sum(sv.by_kind.values()), sv.total_estimated, len(sv.by_kind))

    fl = analytics.flags(wh, code, b.financial_year)
    for f in fl.flags:
        assert f.rows and f.evidence_count >= len(f.rows), f.title
        assert f.severity in ("possible_breach", "risk_signal")
    assert sum(fl.counts.values()) == len(fl.flags)


def check_warehouse(wh: Warehouse) -> int:
    councils = analytics.list_councils(wh)
    for c in councils:
        check_council(wh, c.council.gss_code)
    m = analytics.market(wh, None, top=10**6)
    for c in m.categories:
        if c.suppliers:
            assert close(sum(s.share for s in c.shares), 100.0, len(c.shares))
    return len(councils)


def test_demo_invariants(demo_db: Path) -> None:
    wh = open_warehouse(demo_db, read_only=True)
    try:
        assert check_warehouse(wh) == 5
    finally:
        wh.close()


def test_materialised_copy_gives_the_same_answers(demo_copy: Warehouse) -> None:
    wh = demo_copy
    ensure_schema(wh)
    wh.execute("DELETE FROM insight_state")  # the demo pipeline built the copy: forget it, read live
    assert reader(wh).relation == LIVE
    codes = [c.council.gss_code for c in analytics.list_councils(wh)]
    before = {
        c: (analytics.baseline(wh, c).model_dump(), analytics.flags(wh, c).model_dump()) for c in codes[:2]
    }
    assert "rebuilt" in refresh(wh)
    assert reader(wh).relation == MATERIALISED
    assert "up to date" in refresh(wh)
    after = {
        c: (analytics.baseline(wh, c).model_dump(), analytics.flags(wh, c).model_dump()) for c in codes[:2]
    }
    assert before == after


def test_stale_copy_is_not_used(hand: Hand) -> None:
    hand.pay(DARLINGTON, "2021-05-01", 100, "A", code="software")
    refresh(hand.wh)
    assert reader(hand.wh).relation == MATERIALISED
    hand.pay(DARLINGTON, "2021-05-02", 50, "B", code="software")
    assert reader(hand.wh).relation == LIVE
    assert analytics.baseline(hand.wh, DARLINGTON, 2021).it_spend == 150
    hand.wh.execute("UPDATE spend_classification SET is_it = false WHERE proclass_code = '271430'")
    assert analytics.baseline(hand.wh, DARLINGTON, 2021).it_spend == 0


def _council_of(folder: Path) -> str | None:
    words = folder.name.replace("_", " ").split()
    for n in range(len(words), 0, -1):
        found = resolve_council(" ".join(words[:n]))
        if found:
            return found.gss_code
    return None


@pytest.fixture(scope="module")
def shared_warehouse(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Warehouse]:
    """Every council's spend under ../shared/data/spend, with the pipeline steps run."""
    path = tmp_path_factory.mktemp("shared") / "shared.duckdb"
    wh = open_warehouse(path)
    ensure_schema(wh)
    spend = shared_data / "spend"
    bodies = []
    for folder in sorted(p for p in spend.iterdir() if p.is_dir()):
        if (folder / "clean").exists() or any(sub.is_dir() for sub in folder.iterdir()):
            for body in sorted(p for p in folder.iterdir() if p.is_dir()):
                chosen = body / "clean" if (body / "clean").exists() else body / "processed"
                bodies.append((body, chosen if chosen.exists() else body))
        else:
            bodies.append((folder, folder))
    for named, files in bodies:
        code = _council_of(named)
        if code is None:
            continue
        council = resolve_council(code)
        ingest_paths(wh, [files], Options(council=council))
    run_steps(wh)
    refresh(wh)
    wh.checkpoint()
    yield wh
    wh.close()
    shutil.rmtree(path.parent, ignore_errors=True)


@pytest.mark.shared
@pytest.mark.slow
def test_shared_data_invariants(shared_warehouse: Warehouse) -> None:
    assert check_warehouse(shared_warehouse) >= 10
