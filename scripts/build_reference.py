"""Rebuild the council reference tables shipped in ``src/bestvalue/reference/data``.

Reads mySociety's local-authority codes and similar-councils data (CC BY 4.0, sources OGL) from
``../shared/data/reference`` and writes small CSVs the product ships. Run from the repo root:

    python scripts/build_reference.py [SHARED_REFERENCE_DIR]
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "bestvalue" / "reference" / "data"

TIERS = {
    "NMD": "district",
    "CTY": "county",
    "UA": "unitary",
    "MD": "metropolitan",
    "LBO": "london_borough",
    "WPA": "unitary",  # Welsh principal areas
    "SCO": "scottish_unitary",
    "NID": "ni_district",
    "CC": "other",
    "COMB": "other",
    "SRA": "other",
}


def read_rows(path: Path, encoding: str = "utf-8") -> list[dict[str, str]]:
    with open(path, encoding=encoding) as fh:
        return list(csv.DictReader(fh))


def norm(text: str) -> str:
    text = text.lower().replace("&", " and ")
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return " ".join(text.split())


def main() -> None:
    src = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data" / "reference"
    codes = src / "mysociety_la_codes"
    dist = src / "mysociety_la_distance"
    las = read_rows(codes / "uk_local_authorities.csv", "utf-8")
    by_code = {r["local-authority-code"]: r for r in las}

    pops: dict[str, tuple[str, str]] = {}
    for name in ("04_la_area_pop.csv",):
        for r in read_rows(codes / name, "utf-8"):
            pops[r["local-authority-code"]] = (r["area"], r["pop-2020"])
    for r in read_rows(dist / "la_area_pop_new.csv", "utf-8"):
        pops.setdefault(r["local-authority-code"], (r["area"], r["pop-2020"]))
    labels = {
        r["local-authority-code"]: r["label"] for r in read_rows(dist / "composite__la_labels.csv", "utf-8")
    }
    ruc = {
        r["LAD18CD"]: (r["RUC11"], r["Broad RUC11"])
        for r in read_rows(dist / "RUC_LAD_2011_EN_LU.csv", "utf-8-sig")
    }

    OUT.mkdir(parents=True, exist_ok=True)
    fields = [
        "gss_code",
        "la_code",
        "name",
        "official_name",
        "tier",
        "type_code",
        "type_name",
        "nation",
        "region",
        "county_la_code",
        "population_2020",
        "area_km2",
        "start_date",
        "end_date",
        "replaced_by",
        "rural_urban",
        "rural_urban_broad",
        "peer_label",
        "old_ons_code",
        "snac",
        "gov_uk_slug",
    ]
    with open(OUT / "councils.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=fields)
        w.writeheader()
        for r in sorted(las, key=lambda r: r["gss-code"]):
            code = r["local-authority-code"]
            area, pop = pops.get(code, (r["area"], r["pop-2020"]))
            pop = pop or r["pop-2020"]
            ruc_class, ruc_broad = ruc.get(r["gss-code"], ("", ""))
            replaced = by_code.get(r["replaced-by"], {}).get("gss-code", "") if r["replaced-by"] else ""
            w.writerow(
                {
                    "gss_code": r["gss-code"],
                    "la_code": code,
                    "name": r["nice-name"],
                    "official_name": r["official-name"],
                    "tier": TIERS.get(r["local-authority-type"], "other"),
                    "type_code": r["local-authority-type"],
                    "type_name": r["local-authority-type-name"],
                    "nation": r["nation"],
                    "region": r["region"],
                    "county_la_code": r["county-la"],
                    "population_2020": str(int(float(pop))) if pop else "",
                    "area_km2": area,
                    "start_date": r["start-date"],
                    "end_date": r["end-date"],
                    "replaced_by": replaced,
                    "rural_urban": ruc_class,
                    "rural_urban_broad": ruc_broad,
                    "peer_label": labels.get(code, ""),
                    "old_ons_code": r["old-ons-la-code"],
                    "snac": r["snac"],
                    "gov_uk_slug": r["gov-uk-slug"],
                }
            )

    aliases: set[tuple[str, str, str]] = set()
    gss_of = {r["local-authority-code"]: r["gss-code"] for r in las}
    for r in las:
        gss = r["gss-code"]
        for kind, value in (
            ("gss", gss),
            ("la_code", r["local-authority-code"]),
            ("old_ons", r["old-ons-la-code"]),
            ("snac", r["snac"]),
            ("ecode", r["ecode"]),
            ("slug", r["gov-uk-slug"]),
        ):
            if value:
                aliases.add((kind, value.upper() if kind != "slug" else value, gss))
        for former in filter(None, r["former-gss-codes"].split(",")):
            aliases.add(("former_gss", former.strip().upper(), gss))
        for name in {r["official-name"], r["nice-name"], *r["alt-names"].split(",")}:
            if name.strip():
                aliases.add(("name", norm(name), gss))
    for r in read_rows(codes / "lookup_name_to_registry.csv", "utf-8"):
        gss = gss_of.get(r["local-authority-code"])
        if gss and r["la-name"].strip():
            aliases.add(("name", norm(r["la-name"]), gss))
    for r in read_rows(codes / "lookup_gss_to_registry.csv", "utf-8"):
        gss = gss_of.get(r["local-authority-code"])
        if gss and r["gss-code"] != gss:
            aliases.add(("former_gss", r["gss-code"].upper(), gss))
    with open(OUT / "council_aliases.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["kind", "alias", "gss_code"])
        for row in sorted(aliases):
            w.writerow(row)

    with open(OUT / "council_neighbours.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["gss_code", "neighbour_gss_code", "distance", "match", "position"])
        for r in read_rows(dist / "geographic_distance__distance_map.csv", "utf-8"):
            a, b = gss_of.get(r["local-authority-code_A"]), gss_of.get(r["local-authority-code_B"])
            if a and b:
                w.writerow([a, b, f"{float(r['distance']):.6f}", r["match"], int(float(r["position"]))])
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
