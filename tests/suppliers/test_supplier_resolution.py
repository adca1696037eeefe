"""Resolution on small hand-built warehouses whose right answers are worked out by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from bestvalue.engine import Warehouse, open_warehouse
from bestvalue.schema import ensure_schema
from bestvalue.suppliers.explain import explain, list_suppliers
from bestvalue.suppliers.overrides import OVERRIDES_ENV, OverrideError
from bestvalue.suppliers.store import resolve_warehouse

TRAFFORD, SALFORD, LEEDS = "E08000009", "E08000006", "E08000035"


def pay(
    wh: Warehouse,
    council: str,
    name: str | None,
    *,
    company: str | None = None,
    vat: str | None = None,
    charity: str | None = None,
    times: int = 1,
    amount: float = 100.0,
) -> None:
    """Add ``times`` payments to ``name``."""
    start = int(wh.scalar("SELECT coalesce(max(spend_id), 0) FROM spend")) + 1
    wh.executemany(
        """INSERT INTO spend (spend_id, source_id, source_line, council_code, period_start, period_end,
                              date_basis,
                              amount, supplier_name, company_number, charity_number, vat_number)
           VALUES (?, 1, ?, ?, DATE '2024-04-01', DATE '2024-04-30', 'source_period', ?, ?, ?, ?, ?)""",
        [[start + i, start + i, council, amount, name, company, charity, vat] for i in range(times)],
    )


def sid(wh: Warehouse, name: str) -> str | None:
    return wh.scalar("SELECT supplier_id FROM supplier_aliases WHERE published_name = ?", [name])


def alias(wh: Warehouse, name: str) -> dict[str, object]:
    return wh.dicts("SELECT * FROM supplier_aliases WHERE published_name = ?", [name])[0]


def resolve(wh: Warehouse, overrides: Path | None = None) -> None:
    resolve_warehouse(wh, overrides, use_default_file=False)


def test_identifiers_exact_names_and_payees(warehouse: Warehouse) -> None:
    wh = warehouse
    pay(wh, TRAFFORD, "Capita Business Services Ltd", company="2299747", times=3)
    pay(wh, SALFORD, "CAPITA BUSINESS SERVICES LIMITED", times=2)
    pay(wh, LEEDS, "CBS (Capita)", company="02299747")
    pay(wh, SALFORD, "Capita plc", company="02081330")
    pay(wh, TRAFFORD, "Redacted")
    pay(wh, SALFORD, "Mr J Smith", times=2)
    pay(wh, SALFORD, None)
    resolve(wh)

    capita = sid(wh, "Capita Business Services Ltd")
    assert capita is not None
    assert sid(wh, "CAPITA BUSINESS SERVICES LIMITED") == capita
    assert sid(wh, "CBS (Capita)") == capita
    assert sid(wh, "Capita plc") not in (None, capita)  # parent company: a different entity
    assert alias(wh, "CBS (Capita)")["method"] == "identifier"
    assert alias(wh, "CAPITA BUSINESS SERVICES LIMITED")["method"] == "exact"
    assert alias(wh, "Capita plc")["method"] == "single"
    for name, kind in (("Redacted", "redacted"), ("Mr J Smith", "individual"), ("", "unknown")):
        row = alias(wh, name)
        assert (row["payee_kind"], row["supplier_id"], row["method"]) == (kind, None, "none")

    supplier = wh.dicts("SELECT * FROM suppliers WHERE supplier_id = ?", [capita])[0]
    assert supplier["name"] == "Capita Business Services Ltd"  # the most used published name
    assert supplier["company_number"] == "02299747"
    assert (supplier["aliases"], supplier["payments"], supplier["councils"]) == (3, 6, 3)
    assert wh.scalar("SELECT count(*) FROM suppliers") == 2
    # one spend_suppliers row per spend row, individuals and redactions without a supplier
    assert wh.scalar("SELECT count(*) FROM spend_suppliers") == wh.scalar("SELECT count(*) FROM spend") == 11
    assert wh.rows(
        "SELECT payee_kind, count(*) FROM spend_suppliers WHERE supplier_id IS NULL GROUP BY 1 ORDER BY 1"
    ) == [("individual", 2), ("redacted", 1), ("unknown", 1)]
    names = {r[0] for r in wh.rows("SELECT name FROM suppliers")}
    assert not names & {"Redacted", "Mr J Smith"}


def test_different_company_numbers_and_legal_kinds_stay_apart(warehouse: Warehouse) -> None:
    wh = warehouse
    pay(wh, TRAFFORD, "Acme Ltd", company="01111111", times=2)
    pay(wh, SALFORD, "ACME LIMITED", company="02222222")
    pay(wh, LEEDS, "Capital Law Ltd")
    pay(wh, LEEDS, "Capital Law LLP")
    pay(wh, TRAFFORD, "Corona Energy Ltd")
    pay(wh, TRAFFORD, "Corona Energy Retail 4 Ltd")
    summary = resolve_warehouse(wh, use_default_file=False)
    assert sid(wh, "Acme Ltd") != sid(wh, "ACME LIMITED")
    assert sid(wh, "Capital Law Ltd") != sid(wh, "Capital Law LLP")
    assert sid(wh, "Corona Energy Ltd") != sid(wh, "Corona Energy Retail 4 Ltd")
    assert summary.refused_links == 2  # the two exact-name links that identifiers/legal kinds forbid


def test_typos_and_cut_off_names(warehouse: Warehouse) -> None:
    wh = warehouse
    pay(wh, TRAFFORD, "Siemens Mobility Ltd", times=3)
    pay(wh, SALFORD, "Siemans Mobility Limited")
    pay(wh, TRAFFORD, "Johnson Care Ltd")
    pay(wh, SALFORD, "Johnston Care Ltd")
    # Leeds cuts names at 35 characters: five names end exactly there
    for i in range(5):
        pay(wh, LEEDS, f"Filler Supplier Number {i} Wholesale"[:35].ljust(35, "x"))
    pay(wh, LEEDS, "Independent Choices Greater Manches")
    pay(wh, TRAFFORD, "Independent Choices Greater Manchester Ltd")
    resolve(wh)
    assert sid(wh, "Siemans Mobility Limited") == sid(wh, "Siemens Mobility Ltd")
    assert "typo" in str(alias(wh, "Siemans Mobility Limited")["evidence"])
    assert sid(wh, "Johnson Care Ltd") != sid(wh, "Johnston Care Ltd")  # both real surnames
    cut = alias(wh, "Independent Choices Greater Manches")
    assert cut["supplier_id"] == sid(wh, "Independent Choices Greater Manchester Ltd")
    assert cut["truncated"] and cut["method"] == "fuzzy"


def test_ids_survive_reruns_and_new_data(warehouse: Warehouse, tmp_path: Path) -> None:
    wh = warehouse
    pay(wh, TRAFFORD, "Civica UK Ltd", times=2)
    pay(wh, SALFORD, "CIVICA LIMITED")
    pay(wh, SALFORD, "Bibliotheca Ltd")
    resolve(wh)
    first = {r[0]: r[1] for r in wh.rows("SELECT published_name, supplier_id FROM supplier_aliases")}
    resolve(wh)
    assert {r[0]: r[1] for r in wh.rows("SELECT published_name, supplier_id FROM supplier_aliases")} == first

    pay(wh, LEEDS, "Civica", times=5)  # a new council's variant joins the existing entity
    pay(wh, LEEDS, "Zeta Systems Ltd")
    summary = resolve_warehouse(wh, use_default_file=False)
    assert sid(wh, "Civica") == first["Civica UK Ltd"]
    assert sid(wh, "Bibliotheca Ltd") == first["Bibliotheca Ltd"]
    assert summary.new_suppliers == 1

    # the same data in another warehouse gets the same ids (derived from the entity, not from order)
    other = open_warehouse(tmp_path / "other.duckdb")
    ensure_schema(other)
    pay(other, LEEDS, "Zeta Systems Ltd")
    pay(other, TRAFFORD, "Civica UK Ltd")
    resolve(other)
    assert sid(other, "Zeta Systems Ltd") == sid(wh, "Zeta Systems Ltd")
    other.close()


def test_merged_entities_keep_one_id_and_redirect_the_other(warehouse: Warehouse) -> None:
    wh = warehouse
    pay(wh, TRAFFORD, "Alpha Systems Ltd", times=3)
    pay(wh, SALFORD, "Alpha Systems North West")  # no legal form: the qualifier keeps it apart
    resolve(wh)
    big, small = sid(wh, "Alpha Systems Ltd"), sid(wh, "Alpha Systems North West")
    assert big != small
    # a VAT number now shows they are one business (and the names agree)
    pay(wh, TRAFFORD, "Alpha Systems Ltd", vat="GB245719348")
    pay(wh, SALFORD, "Alpha Systems North West", vat="245 7193 48")
    summary = resolve_warehouse(wh, use_default_file=False)
    assert sid(wh, "Alpha Systems North West") == big
    assert summary.retired_ids == 1
    assert wh.rows("SELECT old_supplier_id, supplier_id FROM supplier_redirects") == [(small, big)]
    moved = explain(wh, str(small))
    assert moved.redirected_from == small and moved.supplier and moved.supplier.supplier_id == big
    assert (
        alias(wh, "Alpha Systems North West")["evidence"]
        == "same VAT number GB245719348 and a name in common, with 'Alpha Systems Ltd'"
    )


def test_vat_groups_stay_separate_suppliers(warehouse: Warehouse) -> None:
    """One VAT registration covers a VAT group: names that do not agree stay apart."""
    wh = warehouse
    vat = "GB149151958"
    pay(wh, TRAFFORD, "Manchester City Council", vat=vat, times=3)
    pay(wh, TRAFFORD, "Irk Valley Community School", vat=vat)
    pay(wh, TRAFFORD, "HC-One Ltd", vat="GB218770886", times=2)
    pay(wh, TRAFFORD, "HC-One Ltd (Kings Park)", vat="GB218770886")
    pay(wh, TRAFFORD, "HC-One No.1 Ltd", vat="GB218770886")  # another registered company
    pay(wh, TRAFFORD, "TfGM T/A DriveSafe", vat="GB146594245")
    pay(wh, TRAFFORD, "Transport for Greater Manchester", vat="GB146594245", times=2)
    resolve(wh)
    assert sid(wh, "Manchester City Council") != sid(wh, "Irk Valley Community School")
    assert sid(wh, "HC-One Ltd (Kings Park)") == sid(wh, "HC-One Ltd") != sid(wh, "HC-One No.1 Ltd")
    assert sid(wh, "TfGM T/A DriveSafe") == sid(wh, "Transport for Greater Manchester")
    groups = wh.rows(
        "SELECT vat_number, count(*) FROM suppliers WHERE vat_number IS NOT NULL GROUP BY 1 ORDER BY 1"
    )
    assert groups == [("146594245", 1), ("149151958", 2), ("218770886", 2)]


def _override_data(wh: Warehouse) -> None:
    pay(wh, TRAFFORD, "Capita Business Services Ltd", times=2)
    pay(wh, SALFORD, "Capita plc")
    pay(wh, LEEDS, "Premier Care Ltd")
    pay(wh, LEEDS, "Premier Care")
    pay(wh, LEEDS, "Travis Perkins")
    pay(wh, LEEDS, "Sarah Ray Photography Ltd")


def _check_overrides(wh: Warehouse) -> None:
    assert sid(wh, "Capita plc") == sid(wh, "Capita Business Services Ltd")
    assert alias(wh, "Capita plc")["method"] == "override"
    assert sid(wh, "Premier Care Ltd") != sid(wh, "Premier Care")
    assert alias(wh, "Travis Perkins")["payee_kind"] == "supplier"
    assert wh.scalar("SELECT name FROM suppliers WHERE supplier_id = ?", [sid(wh, "Capita plc")]) == "Capita"


def test_overrides_csv_are_applied_and_kept(warehouse: Warehouse, tmp_path: Path) -> None:
    wh = warehouse
    _override_data(wh)
    resolve(wh)
    assert sid(wh, "Premier Care Ltd") == sid(wh, "Premier Care")
    assert alias(wh, "Travis Perkins")["payee_kind"] == "individual"  # read as a forename and a surname
    path = tmp_path / "overrides.csv"
    path.write_text(
        "# analyst corrections\n"
        "action,name,other,note\n"
        "merge,capita plc,CAPITA BUSINESS SERVICES LIMITED,one group for our purposes\n"
        "split,Premier Care Ltd,Premier Care,two different care providers\n"
        "kind,Travis Perkins,supplier,a builders merchant\n"
        "name,Capita Business Services Ltd,Capita,\n"
        "merge,Nobody Ltd,Capita plc,\n",
        encoding="utf-8",
    )
    summary = resolve_warehouse(wh, path, use_default_file=False)
    _check_overrides(wh)
    assert summary.override_rules == 5
    assert summary.unmatched_rules == ["merge 'Nobody Ltd' 'Capita plc'"]
    # a later run without the file applies the stored rules again, with the same ids
    ids = {r[0]: r[1] for r in wh.rows("SELECT published_name, supplier_id FROM supplier_aliases")}
    resolve(wh)
    _check_overrides(wh)
    assert {r[0]: r[1] for r in wh.rows("SELECT published_name, supplier_id FROM supplier_aliases")} == ids


def test_overrides_yaml(warehouse: Warehouse, tmp_path: Path) -> None:
    wh = warehouse
    _override_data(wh)
    path = tmp_path / "overrides.yaml"
    path.write_text(
        "merge:\n  - [Capita plc, Capita Business Services Ltd]\n"
        "split:\n  - [Premier Care Ltd, Premier Care]\n"
        "kind:\n  Travis Perkins: supplier\n"
        "name:\n  Capita plc: Capita\n",
        encoding="utf-8",
    )
    resolve(wh, path)
    _check_overrides(wh)


def test_default_overrides_file_and_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    wh = open_warehouse(tmp_path / "wh.duckdb")
    ensure_schema(wh)
    _override_data(wh)
    (tmp_path / "supplier_overrides.csv").write_text(
        "action,name,other\nmerge,Capita plc,Capita Business Services Ltd\n", encoding="utf-8"
    )
    resolve_warehouse(wh)
    assert sid(wh, "Capita plc") == sid(wh, "Capita Business Services Ltd")
    env_file = tmp_path / "elsewhere.csv"
    env_file.write_text("action,name,other\nkind,Travis Perkins,supplier\n", encoding="utf-8")
    monkeypatch.setenv(OVERRIDES_ENV, str(env_file))
    resolve_warehouse(wh)  # the environment variable wins over the file beside the warehouse
    assert sid(wh, "Capita plc") != sid(wh, "Capita Business Services Ltd")
    assert alias(wh, "Travis Perkins")["payee_kind"] == "supplier"
    wh.close()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name,other\nx,y\n", "header"),
        ("action,name,other\nfuse,a,b\n", "unknown action"),
        ("action,name,other\nkind,a,robot\n", "kind must be"),
        ("action,name,other\nmerge,a,\n", "needs a name"),
    ],
)
def test_bad_overrides_are_refused(warehouse: Warehouse, tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(OverrideError, match=message):
        resolve(warehouse, path)


def test_explain_and_list(warehouse: Warehouse) -> None:
    wh = warehouse
    pay(wh, TRAFFORD, "Civica UK Ltd", times=2, amount=50)
    pay(wh, SALFORD, "CIVICA LIMITED", company="01628868")
    pay(wh, SALFORD, "Mrs A Jones")
    resolve(wh)
    out = explain(wh, "civica limited")
    assert [a.published_name for a in out.matched] == ["Civica UK Ltd", "CIVICA LIMITED"]
    assert out.supplier is not None and out.supplier.company_number == "01628868"
    assert {a.method for a in out.aliases} == {"exact"}
    assert "same normalised name 'civica'" in str(out.aliases[0].evidence)
    person = explain(wh, "Mrs A Jones")
    assert person.supplier is None and person.matched[0].payee_kind == "individual"
    nothing = explain(wh, "Civic")
    assert not nothing.matched and nothing.suggestions == ["Civica UK Ltd", "CIVICA LIMITED"]
    listed = list_suppliers(wh)
    assert [(s.name, s.payments, s.amount) for s in listed] == [("Civica UK Ltd", 3, 200.0)]
    assert list_suppliers(wh, "zzz") == []


@pytest.mark.parametrize("name", ["example_overrides.csv", "example_overrides.yaml"])
def test_shipped_examples_parse(name: str) -> None:
    from importlib import resources

    from bestvalue.suppliers.overrides import read_overrides

    path = Path(str(resources.files("bestvalue.suppliers").joinpath("data", name)))
    rules = read_overrides(path).rules
    assert [r.action for r in rules] == ["merge", "split", "kind", "name"]
    assert rules[2].other == "supplier"


def test_contract_supplier_names_join_and_bring_flags(warehouse: Warehouse) -> None:
    wh = warehouse
    pay(wh, SALFORD, "UNDERWATER DIVING SERVICES LIMITED", times=2)
    pay(wh, TRAFFORD, "Underwater Diving Svcs", company="2535986")
    wh.execute(
        "INSERT INTO contract_suppliers (contract_id, supplier_name, company_number, is_sme) "
        "VALUES ('register/S1417', 'Underwater Diving Services Ltd', '2535986', true)"
    )
    resolve(wh)
    one = sid(wh, "Underwater Diving Services Ltd")
    assert one is not None
    assert sid(wh, "UNDERWATER DIVING SERVICES LIMITED") == one == sid(wh, "Underwater Diving Svcs")
    row = wh.dicts("SELECT * FROM suppliers WHERE supplier_id = ?", [one])[0]
    assert (row["company_number"], row["is_sme"], row["aliases"], row["payments"]) == ("02535986", True, 3, 3)
    assert alias(wh, "Underwater Diving Services Ltd")["payments"] == 0


def test_empty_warehouse_and_old_layout(warehouse: Warehouse) -> None:
    wh = warehouse
    summary = resolve_warehouse(wh, use_default_file=False)
    assert (summary.names, summary.suppliers) == (0, 0)
    # a warehouse made by an earlier draft of migration 0002 (spend_suppliers as a table) is rebuilt
    wh.execute("DROP VIEW spend_suppliers")
    wh.execute("DROP TABLE supplier_runs")
    wh.execute("CREATE TABLE spend_suppliers (spend_id BIGINT, supplier_id VARCHAR)")
    pay(wh, TRAFFORD, "Civica UK Ltd")
    resolve(wh)
    assert (
        wh.scalar("SELECT table_type FROM information_schema.tables WHERE table_name = 'spend_suppliers'")
        == "VIEW"
    )
    assert wh.scalar("SELECT count(supplier_id) FROM spend_suppliers") == 1
