"""Rebuild the bundled demo sample in ``src/bestvalue/demo/data`` from ``../shared/data``.

FY2021-22 spend files of five councils (three metropolitan districts that are natural peers,
one unitary, one district), gzip-compressed, names unchanged, plus ``manifest.csv`` with the
council each folder belongs to and the council's original URL for every file.
"""

from __future__ import annotations

import csv
import gzip
import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "bestvalue" / "demo" / "data"
BODIES = {
    "manchester": "E08000003",
    "salford": "E08000006",
    "gateshead": "E08000037",
    "darlington": "E06000005",
    "harrogate": "E07000165",
}


def main() -> None:
    shared = (
        Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data" / "spend" / "odileeds"
    )
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    rows = []
    for body, gss in BODIES.items():
        index = json.loads((shared / body / "index.json").read_text(encoding="utf-8"))
        urls = {str(e.get("file", "")).rsplit("/", 1)[-1]: e.get("url", "") for e in index.get("files", [])}
        (OUT / body).mkdir()
        for f in sorted((shared / body / "clean").glob("*.csv")):
            if not ("2021-04" <= f.stem[:7] <= "2022-03"):
                continue
            target = OUT / body / (f.name + ".gz")
            with open(f, "rb") as src, gzip.GzipFile(target, "wb", compresslevel=9, mtime=0) as dst:
                dst.write(src.read())
            rows.append(
                [f"{body}/{target.name}", gss, urls.get(f.name, ""), "OGL v3 (publisher: the council)"]
            )
    with open(OUT / "manifest.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["file", "council_gss_code", "source_url", "licence"])
        w.writerows(rows)
    print(f"wrote {len(rows)} files to {OUT}")


if __name__ == "__main__":
    main()
