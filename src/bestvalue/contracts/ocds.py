"""OCDS documents → releases → compiled releases.

Reads release packages, record packages, single releases, arrays of them and JSON Lines,
decides each release's fate (loaded, rejected with a reason, or skipped), and merges every
process's releases into one compiled release with the reference routine (``ocdsmerge``),
using the OCDS 1.1 release schema shipped in ``data/``. Award ids that one process reuses
for different awards are made distinct first, so that no award is lost in the merge.
"""

from __future__ import annotations

import ast
import copy
import datetime as dt
import functools
import hashlib
import json
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import ocdsmerge
from ocdsmerge.exceptions import OCDSMergeError, OCDSMergeWarning

Json = dict[str, Any]
# Release tags that record a change to a process rather than a new stage.
CHANGE_TAGS = frozenset(
    {
        "tenderAmendment",
        "tenderUpdate",
        "tenderCancellation",
        "awardUpdate",
        "awardCancellation",
        "contractUpdate",
        "contractAmendment",
        "contractTermination",
        "implementationUpdate",
        "planningUpdate",
    }
)
# Tags under which a reused award id is the same award being updated.
_UPDATE_TAGS = CHANGE_TAGS | frozenset({"contract", "implementation", "compiled"})
_SPACE_IN_KEY = re.compile(r"\s+")


@functools.cache
def release_schema() -> Json:
    """The OCDS 1.1 release schema shipped with bestvalue."""
    text = resources.files("bestvalue.contracts").joinpath("data", "release-schema.json").read_text("utf-8")
    schema: Json = json.loads(text)
    return schema


@functools.cache
def _merger() -> ocdsmerge.Merger:
    return ocdsmerge.Merger(schema=copy.deepcopy(release_schema()))


@dataclass
class ReleaseItem:
    """One item of an OCDS file: a release to load, or the reason it was not."""

    item: int
    release: Json | None = None
    reject: str | None = None
    skip: str | None = None
    raw: str | None = None

    @property
    def ocid(self) -> str:
        assert self.release is not None
        return str(self.release["ocid"])


@dataclass
class OcdsDocument:
    """What an OCDS file held."""

    format: str
    items: list[ReleaseItem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class NotOcds(ValueError):
    """JSON that is not OCDS (for example a list of register rows)."""


def parse_json_text(text: str) -> tuple[str, list[Any]]:
    """(``json`` | ``json_lines``, documents) from JSON text, or raise ``ValueError``."""
    stripped = text.strip()
    try:
        return "json", [json.loads(stripped)]
    except json.JSONDecodeError as whole_error:
        docs: list[Any] = []
        for line in stripped.splitlines():
            if line.strip():
                try:
                    docs.append(json.loads(line))
                except json.JSONDecodeError:
                    raise ValueError(f"not JSON or JSON Lines: {whole_error}") from None
        return "json_lines", docs


def parse_embedded(text: str) -> Any:
    """An OCDS document embedded in a table cell: JSON, or a Python literal (``{'ocid': ...}``)."""
    s = text.strip()
    try:
        return json.loads(s)
    except json.JSONDecodeError:
        return ast.literal_eval(s)


def looks_like_ocds(doc: Any) -> bool:
    """Whether a parsed JSON value is an OCDS package, record or release (or a list of them)."""
    if isinstance(doc, dict):
        return "releases" in doc or "records" in doc or "ocid" in doc
    if isinstance(doc, list) and doc:
        return all(
            isinstance(d, dict) and ("ocid" in d or "releases" in d or "records" in d) for d in doc[:20]
        )
    return False


def _fix_keys(value: Any) -> tuple[Any, int]:
    """Remove white space inside object keys (OCDS names never hold any); count the repairs."""
    if isinstance(value, dict):
        out: Json = {}
        fixes = 0
        for k, v in value.items():
            nk = _SPACE_IN_KEY.sub("", k) if isinstance(k, str) else k
            fixes += nk != k
            fixed, n = _fix_keys(v)
            out[nk] = fixed
            fixes += n
        return out, fixes
    if isinstance(value, list):
        items = [_fix_keys(v) for v in value]
        return [v for v, _ in items], sum(n for _, n in items)
    return value, 0


def _is_linked_release(r: Json) -> bool:
    return "url" in r and not ({"tender", "awards", "contracts", "parties", "planning", "buyer"} & set(r))


def _release_items(doc: Any, start: int, context: str) -> Iterator[ReleaseItem]:
    """Releases in one parsed document, numbered from ``start``."""
    n = start
    if isinstance(doc, dict) and isinstance(doc.get("releases"), list):
        for r in doc["releases"]:
            yield _check(n, r)
            n += 1
    elif isinstance(doc, dict) and isinstance(doc.get("records"), list):
        for rec in doc["records"]:
            yield from _record_items(n, rec)
            n += 1
    elif isinstance(doc, dict) and ("ocid" in doc or "tag" in doc or "tender" in doc or "awards" in doc):
        yield _check(n, doc)
    elif isinstance(doc, list):
        for r in doc:
            if isinstance(r, dict) and ("releases" in r or "records" in r):
                inner = list(_release_items(r, n, context))
                yield from inner
                n += max(1, len(inner))
            else:
                yield _check(n, r)
                n += 1
    else:
        yield ReleaseItem(n, reject=f"{context} is not an OCDS package, record or release", raw=_raw(doc))


def _record_items(n: int, rec: Any) -> Iterator[ReleaseItem]:
    """A record: its embedded releases when they are full releases, else its compiled release."""
    if not isinstance(rec, dict):
        yield ReleaseItem(n, reject="record is not a JSON object", raw=_raw(rec))
        return
    full = [r for r in rec.get("releases") or [] if isinstance(r, dict) and not _is_linked_release(r)]
    if full:
        # One record is one item: it is loaded if any of its releases is.
        checked = [_check(n, r) for r in full]
        good = [c for c in checked if c.release is not None]
        if not good:
            yield checked[0]
            return
        yield from good
        return
    compiled = rec.get("compiledRelease")
    if isinstance(compiled, dict):
        release = copy.deepcopy(compiled)
        release.setdefault("ocid", rec.get("ocid"))
        release.setdefault("tag", ["compiled"])
        yield _check(n, release)
        return
    yield ReleaseItem(n, reject="record holds only linked releases and no compiled release", raw=_raw(rec))


def _raw(value: Any) -> str:
    text = json.dumps(value, default=str, ensure_ascii=False) if not isinstance(value, str) else value
    return text[:2000]


def _check(n: int, r: Any) -> ReleaseItem:
    if not isinstance(r, dict):
        return ReleaseItem(n, reject="release is not a JSON object", raw=_raw(r))
    if _is_linked_release(r):
        return ReleaseItem(n, skip="linked release (a URL, no content)", raw=_raw(r))
    ocid = r.get("ocid")
    if not isinstance(ocid, str) or not ocid.strip():
        return ReleaseItem(n, reject="release has no ocid", raw=_raw(r))
    date = r.get("date")
    if not isinstance(date, str) or parse_timestamp(date) is None:
        return ReleaseItem(
            n, reject="release has no date, so it cannot be ordered among its process's releases", raw=_raw(r)
        )
    return ReleaseItem(n, release=r)


def read_ocds(docs: list[Any], fmt: str) -> OcdsDocument:
    """Items of parsed OCDS documents; raises :class:`NotOcds` for JSON that is not OCDS."""
    if not docs or not all(looks_like_ocds(d) for d in docs[:50]):
        raise NotOcds("not OCDS")
    if fmt == "json_lines":
        out = OcdsDocument("json_lines")
    else:
        d = docs[0]
        kind = (
            "release_package"
            if isinstance(d, dict) and "releases" in d
            else "record_package"
            if isinstance(d, dict) and "records" in d
            else "releases"
            if isinstance(d, list)
            else "release"
        )
        out = OcdsDocument(kind)
    n = 1
    fixes = 0
    for i, doc in enumerate(docs):
        doc, f = _fix_keys(doc)
        fixes += f
        items = list(_release_items(doc, n, f"line {i + 1}" if fmt == "json_lines" else "the file"))
        out.items.extend(items)
        n = (max(it.item for it in items) + 1) if items else n + 1
    if fixes:
        out.notes.append(f"{fixes} object key(s) held white space (e.g. 'contactP    oint'): removed it")
    return out


def parse_timestamp(text: object) -> dt.datetime | None:
    """An ISO 8601 date or date-time as a naive UTC timestamp, or ``None``."""
    if not isinstance(text, str) or not text.strip():
        return None
    s = text.strip().replace("Z", "+00:00")
    try:
        value = dt.datetime.fromisoformat(s)
    except ValueError:
        try:
            value = dt.datetime.combine(dt.date.fromisoformat(s[:10]), dt.time())
        except ValueError:
            return None
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


def parse_day(text: object) -> dt.date | None:
    """The calendar date an OCDS date-time names, in its own time zone (``2025-04-23T23:59:59+01:00``
    is 23 April)."""
    if not isinstance(text, str) or len(text.strip()) < 10:
        return None
    try:
        return dt.date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None


def release_key(r: Json) -> str:
    """A release's identity within its process: its id, else a hash of its content."""
    rid = r.get("id")
    if isinstance(rid, (str, int)) and str(rid).strip():
        return f"{r.get('date')}|{rid}"
    digest = hashlib.sha256(json.dumps(r, sort_keys=True, default=str).encode()).hexdigest()[:16]
    return f"{r.get('date')}|#{digest}"


# -- making ids safe to merge ------------------------------------------------------------------
def _supplier_signature(award: Json) -> frozenset[str]:
    out = set()
    for s in award.get("suppliers") or []:
        if isinstance(s, dict):
            key = s.get("name") or s.get("id")
            if key is not None:
                out.add(str(key).strip().lower())
    return frozenset(out)


def _unique_ids_in_arrays(value: Any, notes: set[str], path: str = "") -> Any:
    """Within one release, objects of one array that share an ``id`` are either exact repeats
    (dropped) or different objects (later ones get ``{id}-{n}``), so the merge keeps them all."""
    if isinstance(value, dict):
        return {k: _unique_ids_in_arrays(v, notes, f"{path}.{k}" if path else k) for k, v in value.items()}
    if isinstance(value, list):
        items = [_unique_ids_in_arrays(v, notes, path) for v in value]
        if not all(isinstance(v, dict) for v in items):
            return items
        seen: dict[str, Json] = {}
        out = []
        for obj in items:
            if "id" not in obj:
                out.append(obj)
                continue
            key = str(obj["id"])
            if key not in seen:
                seen[key] = obj
                out.append(obj)
            elif obj == seen[key]:
                notes.add(f"{path}: repeated object with id {key!r} dropped")
            else:
                k = 2
                while f"{key}-{k}" in seen:
                    k += 1
                new = dict(obj)
                new["id"] = f"{key}-{k}"
                seen[new["id"]] = new
                out.append(new)
                notes.add(f"{path}: objects sharing id {key!r} kept apart as {key!r}-n")
        return out
    return value


def prepare_releases(releases: list[Json]) -> tuple[list[Json], list[str]]:
    """Releases of one process, sorted by date, with ids made safe to merge.

    An award id that an earlier release used is the same award when the later release is an
    update (``awardUpdate``, ``contract...``) or names the same suppliers; otherwise (a new
    ``award`` notice for other suppliers under a reused id) the award is renamed
    ``{id}/{release id}`` and its contracts' ``awardID`` follow, so both awards survive.
    """
    notes: set[str] = set()
    ordered = sorted(
        releases, key=lambda r: (parse_timestamp(r.get("date")) or dt.datetime.min, str(r.get("id")))
    )
    seen_awards: dict[str, frozenset[str]] = {}
    out: list[Json] = []
    for r in ordered:
        r = _unique_ids_in_arrays(r, notes)
        tags = set(r.get("tag") or []) if isinstance(r.get("tag"), list) else set()
        renamed: dict[str, str] = {}
        awards = r.get("awards")
        if isinstance(awards, list):
            new_awards = []
            for a in awards:
                if not isinstance(a, dict) or "id" not in a:
                    new_awards.append(a)
                    continue
                aid = str(a["id"])
                sig = _supplier_signature(a)
                earlier = seen_awards.get(aid)
                if earlier is not None and not (tags & _UPDATE_TAGS) and sig and earlier and sig != earlier:
                    new_id = f"{aid}/{r.get('id') or r.get('date')}"
                    a = {**a, "id": new_id}
                    renamed[aid] = new_id
                    notes.add(f"award id {aid!r} reused for other suppliers: kept as a separate award")
                    seen_awards[new_id] = sig
                else:
                    seen_awards[aid] = sig or earlier or frozenset()
                new_awards.append(a)
            r = {**r, "awards": new_awards}
        if renamed and isinstance(r.get("contracts"), list):
            r = {
                **r,
                "contracts": [
                    {**c, "awardID": renamed.get(str(c.get("awardID")), c.get("awardID"))}
                    if isinstance(c, dict)
                    else c
                    for c in r["contracts"]
                ],
            }
        out.append(r)
    return out, sorted(notes)


def compile_process(releases: list[Json]) -> tuple[Json, list[str]]:
    """The compiled release of one process's releases (``ocdsmerge`` with the shipped schema)."""
    prepared, notes = prepare_releases(releases)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", OCDSMergeWarning)
        try:
            compiled = _merger().create_compiled_release(prepared)
        except (OCDSMergeError, TypeError, ValueError) as exc:
            notes.append(f"releases could not be merged ({exc}); the latest release stands for the process")
            compiled = copy.deepcopy(prepared[-1])
            compiled["tag"] = ["compiled"]
    return compiled, notes
