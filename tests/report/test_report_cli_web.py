"""``bestvalue report vfm`` and the pack's web routes (included into the web app as it is built)."""

from __future__ import annotations

import io
import json
import shutil
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from report_html import Cells
from typer.testing import CliRunner

from bestvalue.cli.app import app
from bestvalue.report.web import html_policy
from bestvalue.web import create_app

runner = CliRunner()


def test_cli_writes_each_format(demo_db: Path, tmp_path: Path) -> None:
    for fmt, magic in (("html", b"<!DOCTYPE html>"), ("xlsx", b"PK"), ("pdf", b"%PDF")):
        out = tmp_path / f"pack.{fmt}"
        result = runner.invoke(
            app,
            [
                "report",
                "vfm",
                "--db",
                str(demo_db),
                "--council",
                "Manchester",
                "--year",
                "2021",
                "--format",
                fmt,
                "--out",
                str(out),
                "--as-of",
                "2022-04-01",
            ],
        )
        assert result.exit_code == 0, result.output
        assert out.read_bytes().startswith(magic)
        assert "Manchester" in result.output and str(out) in result.output.replace("\n", "")


def test_cli_json_to_stdout_is_the_pack(demo_db: Path) -> None:
    result = runner.invoke(
        app,
        ["report", "vfm", "--db", str(demo_db), "--council", "E08000006", "--format", "json", "--out", "-"],
    )
    assert result.exit_code == 0, result.output
    pack = json.loads(result.stdout)
    assert pack["council"]["gss_code"] == "E08000006" and len(pack["sections"]) == 7


@pytest.mark.parametrize(
    "args",
    [
        ["--council", "Nowhere Borough"],
        ["--council", "Manchester", "--format", "docx"],
        ["--council", "Manchester", "--as-of", "tomorrow"],
    ],
)
def test_cli_refuses_bad_input_cleanly(demo_db: Path, args: list[str]) -> None:
    result = runner.invoke(app, ["report", "vfm", "--db", str(demo_db), *args])
    assert result.exit_code == 2
    assert "Traceback" not in result.output


@pytest.fixture(scope="module")
def client(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    db = tmp_path_factory.mktemp("report-web") / "web.duckdb"
    shutil.copy(demo_db, db)
    web_app = create_app(db, warm=False)  # includes the pack's router
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # starlette nags when httpx2 is missing
        from fastapi.testclient import TestClient
    with TestClient(web_app, raise_server_exceptions=False) as c:
        yield c


def test_web_serves_the_pack_and_its_twin(client: Any) -> None:
    twin = client.get("/councils/E08000003/vfm.json?year=2021&as_of=2022-04-01")
    assert twin.status_code == 200 and twin.headers["content-type"].startswith("application/json")
    pack = twin.json()
    html = client.get("/councils/E08000003/vfm.html?year=2021&as_of=2022-04-01")
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    assert html.headers["content-security-policy"] == html_policy(html.text)
    assert "'sha256-" in html.headers["content-security-policy"]
    parsed = Cells()
    parsed.feed(html.text)
    figures = {f["key"]: f["value"] for s in pack["sections"] for f in s["figures"]}
    assert {k: v for k, (v, _) in parsed.figures.items()} == figures
    assert "http://testserver/evidence?" in html.text  # drill-down links made absolute


def test_web_downloads_pdf_and_xlsx(client: Any) -> None:
    xlsx = client.get("/councils/Manchester/vfm.xlsx?year=2021")
    assert xlsx.status_code == 200
    assert xlsx.headers["content-disposition"] == 'attachment; filename="vfm-E08000003-2021-22.xlsx"'
    assert "Figures" in load_workbook(io.BytesIO(xlsx.content)).sheetnames
    again = client.get("/councils/Manchester/vfm.xlsx?year=2021")
    assert again.content == xlsx.content  # from the response cache
    pdf = client.get("/councils/E08000003/vfm.pdf?year=2021")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf.headers["content-type"] == "application/pdf"


def test_web_unknown_council_and_format(client: Any) -> None:
    assert client.get("/councils/Nowhere/vfm.html").status_code == 404
    assert client.get("/councils/E08000003/vfm.docx").status_code in (400, 404, 422)
    assert client.get("/councils/E08000003/vfm.json?year=1800").status_code in (400, 422)
    assert "/councils/{code}/vfm.{fmt}" in client.get("/openapi.json").json()["paths"]
