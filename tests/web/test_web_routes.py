"""Every page answers in HTML, its JSON twin answers with the same result, and its tables download."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from bestvalue.web import create_app
from bestvalue.web.routes import PAGES

# Every page, by name, with the address it is tested at (filled from the demo walk).
ADDRESSES = {
    "home": "/",
    "council": "/councils/{council}",
    "council_peers": "/councils/{council}/peers",
    "council_lockin": "/councils/{council}/lock-in",
    "council_collaboration": "/councils/{council}/collaboration",
    "council_savings": "/councils/{council}/savings",
    "council_flags": "/councils/{council}/flags",
    "council_contracts": "/councils/{council}/contracts",
    "pipeline": "/pipeline?months=24",
    "market": "/categories",
    "category": "/categories/{category}",
    "supplier": "/supplier?id={supplier}",
    "evidence": "/evidence?council_code={council}&financial_year={year}",
    "quality": "/quality",
    "source": "/quality/{source}",
    "search": "/search?q=council",
}


def _split(address: str) -> tuple[str, str]:
    path, _, query = address.partition("?")
    return path, query


def _twin(address: str, ext: str) -> str:
    path, query = _split(address)
    path = "/index" if path == "/" else path
    return path + ext + (f"?{query}" if query else "")


def test_every_page_is_tested() -> None:
    assert {p.name for p in PAGES} == set(ADDRESSES)


@pytest.mark.parametrize("name", sorted(ADDRESSES))
def test_page_and_json_twin(client: Any, demo: dict[str, Any], name: str) -> None:
    address = ADDRESSES[name].format(**demo)
    html = client.get(address)
    assert html.status_code == 200, html.text[:500]
    assert html.headers["content-type"].startswith("text/html")
    assert "content-security-policy" in html.headers
    assert "<h1" in html.text and "govuk-template" in html.text
    twin = client.get(_twin(address, ".json"))
    assert twin.status_code == 200
    assert twin.headers["content-type"] == "application/json"
    by_accept = client.get(address, headers={"accept": "application/json"})
    assert by_accept.status_code == 200
    assert by_accept.headers["content-type"] == "application/json"
    assert by_accept.json() == twin.json()
    assert html.headers.get("vary") == "Accept"
    # The JSON validates against the page's declared result model (the one in OpenAPI).
    page = next(p for p in PAGES if p.name == name)
    page.result_type().model_validate(twin.json())


@pytest.mark.parametrize("name", sorted(ADDRESSES))
def test_page_tables_download(client: Any, demo: dict[str, Any], name: str) -> None:
    address = ADDRESSES[name].format(**demo)
    page = next(p for p in PAGES if p.name == name)
    result = page.result_type().model_validate(client.get(_twin(address, ".json")).json())
    tables = page.tables_for(result)
    sep = "&" if "?" in address else "?"
    for table_name, table in tables.items():
        csv = client.get(_twin(address, ".csv") + (sep if "?" in address else "?") + f"table={table_name}")
        assert csv.status_code == 200, (table_name, csv.text[:300])
        assert csv.headers["content-type"].startswith("text/csv")
        assert "attachment" in csv.headers["content-disposition"]
        lines = csv.content.decode("utf-8-sig").splitlines()
        assert lines[0].split(",")[0].strip('"') == table.columns[0].label
        assert len(lines) >= len(table.rows) + 1
    xlsx = client.get(_twin(address, ".xlsx"))
    assert xlsx.status_code == 200
    wb = load_workbook(io.BytesIO(xlsx.content), read_only=True)
    assert len(wb.sheetnames) == max(len(tables), 1)
    del sep


def test_unknown_table_and_missing_choice(client: Any, demo: dict[str, Any]) -> None:
    assert client.get("/quality.csv?table=nope").status_code == 404
    assert client.get(f"/councils/{demo['council']}.csv").status_code == 400  # several tables: say which


@pytest.mark.parametrize(
    "address",
    [
        "/councils/E99999999",
        "/councils/E99999999/lock-in",
        "/councils/E99999999/flags",
        "/councils/Nowhere%20Council/savings",
        "/supplier?id=no-such-supplier",
        "/quality/987654",
        "/categories/999999",
        "/no/such/page",
    ],
)
def test_unknown_things_are_404_without_a_trace(client: Any, address: str) -> None:
    html = client.get(address)
    assert html.status_code == 404
    assert "Page not found" in html.text
    assert "Traceback" not in html.text and 'File "' not in html.text
    path, query = _split(address)
    twin = client.get(path + ".json" + (f"?{query}" if query else ""))
    assert twin.status_code == 404
    assert twin.headers["content-type"] == "application/json"


@pytest.mark.parametrize(
    "address",
    [
        "/quality/abc",
        "/councils/E06000005?year=abc",
        "/evidence?quarter=abc",
        "/evidence?it=maybe",
        "/evidence?limit=100000",
        "/supplier",
    ],
)
def test_bad_parameters_are_400(client: Any, address: str) -> None:
    r = client.get(address)
    assert r.status_code == 400
    assert "There is a problem" in r.text
    assert client.get(address, headers={"accept": "application/json"}).status_code == 400


def test_security_headers(client: Any) -> None:
    r = client.get("/")
    csp = r.headers["content-security-policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self' 'sha256-" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"


def test_openapi_lists_every_json_twin(client: Any) -> None:
    spec = client.get("/openapi.json").json()
    for page in PAGES:
        twin = "/index.json" if page.path == "/" else page.path + ".json"
        assert twin in spec["paths"], twin
        ok = spec["paths"][twin]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        assert ok["$ref"].endswith(page.result_type().__name__)
    docs = client.get("/docs")
    assert docs.status_code == 200
    assert "/councils/{code}.json" in docs.text


def test_static_assets(client: Any) -> None:
    assert client.get("/govuk/govuk-frontend.min.css").status_code == 200
    assert client.get("/govuk/govuk-frontend.min.js").status_code == 200
    assert client.get("/static/app.css").status_code == 200


def test_served_read_only(client: Any) -> None:
    site = client.app.state.site
    assert site.db.cursor().read_only


def test_broken_warehouse_is_500_without_a_trace(tmp_path: Path, client_for: Any) -> None:
    """A warehouse file that is not a bestvalue warehouse: pages fail politely, never with a trace."""
    from bestvalue.engine import open_warehouse

    path = tmp_path / "empty.duckdb"
    open_warehouse(path).close()
    with client_for(create_app(path)) as c:
        r = c.get("/")
        assert r.status_code == 500
        assert "Sorry, there is a problem with the service" in r.text
        assert "Traceback" not in r.text and "Catalog" not in r.text and "SELECT" not in r.text
        assert "content-security-policy" in r.headers
        j = c.get("/index.json")
        assert j.status_code == 500 and j.json() == {"detail": "Sorry, there is a problem with the service"}


def test_cached_pages_are_identical(client: Any, demo: dict[str, Any]) -> None:
    address = f"/councils/{demo['council']}"
    assert client.get(address).content == client.get(address).content


@pytest.mark.shared
def test_contracts_page_with_a_register(
    web_db: Path, shared_data: Path, tmp_path: Path, client_for: Any
) -> None:
    """With a real contract register loaded, the contracts page lists what ends in the window."""
    import shutil

    from bestvalue.contracts.loader import ingest_contracts
    from bestvalue.engine import open_warehouse
    from bestvalue.reference.councils import resolve_council

    db = tmp_path / "with-contracts.duckdb"
    shutil.copy(web_db, db)
    salford = resolve_council("Salford")
    assert salford is not None
    wh = open_warehouse(db)
    ingest_contracts(wh, [shared_data / "contracts" / "salford_cc_contract_register"], council=salford)
    wh.checkpoint()
    wh.close()
    with client_for(create_app(db)) as c:
        address = f"/councils/{salford.gss_code}/contracts?as_of=2022-04-01&months=18"
        page = c.get(address)
        data = c.get(address.replace("/contracts?", "/contracts.json?")).json()
        assert page.status_code == 200
        entries = data["pipeline"]["entries"]
        assert entries, "the register has contracts ending in 2022-23"
        assert entries[0]["title"] in page.text.replace("&amp;", "&").replace("&#39;", "'")
        assert data["linkage"]["contracts"]
        wb = load_workbook(io.BytesIO(c.get(address.replace("/contracts?", "/contracts.xlsx?")).content))
        assert wb["Entries"].max_row == len(entries) + 1


def test_every_overview_figure_drills_down_to_its_payments(client: Any, demo: dict[str, Any]) -> None:
    """Each breakdown's evidence link selects exactly the payments that make the figure."""
    from bestvalue.analytics.models import SpendFilter
    from bestvalue.web import links

    overview = client.get(f"/councils/{demo['council']}.json").json()["baseline"]
    for part in ("by_category", "by_supplier", "by_department", "by_quarter"):
        for item in overview[part]:
            url = links.evidence(SpendFilter.model_validate(item["evidence"]))
            page = client.get(url.replace("/evidence?", "/evidence.json?", 1)).json()
            assert page["total_rows"] == item["rows"], (part, item["label"])
            assert page["total_amount"] == pytest.approx(item["amount"], abs=0.01), (part, item["label"])
