"""Analyst overrides: a plain CSV or YAML file that forces merges, splits, payee kinds and names.

CSV (header required; ``#`` lines are comments)::

    action,name,other,note
    merge,Capita plc,Capita Business Services Ltd,treat the group as one supplier
    split,Age UK Trafford,Age UK,independent local charity
    kind,Angel Springs,supplier,a water cooler company, not a person
    name,CAPITA BUSINESS SERVICES LTD,Capita Business Services,display name

YAML::

    merge: [[Capita plc, Capita Business Services Ltd]]
    split: [[Age UK Trafford, Age UK]]
    kind: {Angel Springs: supplier}
    name: {CAPITA BUSINESS SERVICES LTD: Capita Business Services}

A ``name`` in a rule matches a published name exactly (ignoring case and spacing) if one exists,
else every published name with the same normalised key, else a supplier id (``S...``) already in
the warehouse. The file is read on every run; its rows are kept in the warehouse table
``supplier_overrides`` so later runs without the file apply them too.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bestvalue.config import warehouse_path

OVERRIDES_ENV = "BESTVALUE_SUPPLIER_OVERRIDES"
DEFAULT_NAMES = ("supplier_overrides.csv", "supplier_overrides.yaml", "supplier_overrides.yml")
ACTIONS = ("merge", "split", "kind", "name")
KINDS = ("supplier", "individual", "redacted", "unknown")


class OverrideError(ValueError):
    """The overrides file cannot be read or has a bad rule."""


@dataclass(frozen=True)
class Rule:
    action: str  # merge | split | kind | name
    name: str
    other: str  # the second name (merge/split), the kind (kind) or the display name (name)
    note: str = ""
    line: int = 0


@dataclass
class Overrides:
    rules: list[Rule] = field(default_factory=list)
    source: str = ""  # file it came from ('' if none)

    @property
    def digest(self) -> str:
        text = "\n".join(f"{r.action}\t{r.name}\t{r.other}" for r in self.rules)
        return hashlib.sha256(text.encode()).hexdigest()[:12]

    def of(self, action: str) -> list[Rule]:
        return [r for r in self.rules if r.action == action]


def find_overrides_file(
    explicit: str | os.PathLike[str] | None, db: str | os.PathLike[str] | None
) -> Path | None:
    """``--overrides PATH``, else ``$BESTVALUE_SUPPLIER_OVERRIDES``, else a ``supplier_overrides.csv``
    (or ``.yaml``/``.yml``) beside the warehouse file; ``None`` when there is none."""
    if explicit:
        path = Path(explicit)
        if not path.exists():
            raise OverrideError(f"overrides file {path} does not exist")
        return path
    env = os.environ.get(OVERRIDES_ENV)
    if env:
        path = Path(env)
        if not path.exists():
            raise OverrideError(f"${OVERRIDES_ENV} names {path}, which does not exist")
        return path
    if db is not None and str(db) != ":memory:":
        folder = warehouse_path(db).resolve().parent
        for name in DEFAULT_NAMES:
            if (folder / name).exists():
                return folder / name
    return None


def read_overrides(path: str | os.PathLike[str]) -> Overrides:
    """Parse an overrides file (CSV or YAML by extension)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise OverrideError(f"cannot read overrides file {p}: {exc}") from exc
    rules = _yaml_rules(text, p) if p.suffix.lower() in (".yaml", ".yml") else _csv_rules(text, p)
    for rule in rules:
        _check(rule, p)
    return Overrides(rules, str(p))


def _csv_rules(text: str, path: Path) -> list[Rule]:
    lines = [
        (n, line)
        for n, line in enumerate(text.splitlines(), 1)
        if line.strip() and not line.lstrip().startswith("#")
    ]
    if not lines:
        return []
    reader = csv.reader(io.StringIO("\n".join(line for _, line in lines)))
    rows = list(reader)
    header = [h.strip().lower() for h in rows[0]]
    if header[:3] != ["action", "name", "other"]:
        raise OverrideError(f"{path}: the first line must be the header 'action,name,other,note'")
    rules = []
    for (line_no, _), row in zip(lines[1:], rows[1:], strict=True):
        cells = [c.strip() for c in row] + ["", "", "", ""]
        rules.append(
            Rule(cells[0].lower(), cells[1], cells[2], ",".join(c for c in row[3:]).strip(), line_no)
        )
    return rules


def _yaml_rules(text: str, path: Path) -> list[Rule]:
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise OverrideError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise OverrideError(f"{path}: expected a mapping with keys {', '.join(ACTIONS)}")
    rules: list[Rule] = []
    for action, body in data.items():
        action = str(action).lower()
        if action in ("merge", "split"):
            for n, pair in enumerate(body or [], 1):
                if not isinstance(pair, list | tuple) or len(pair) < 2:
                    raise OverrideError(f"{path}: {action} entry {n} must be a list of two or more names")
                first = str(pair[0])
                rules.extend(Rule(action, first, str(other), "", n) for other in pair[1:])
        elif action in ("kind", "name"):
            if not isinstance(body, dict):
                raise OverrideError(f"{path}: {action} must map published names to values")
            rules.extend(Rule(action, str(k), str(v), "", n) for n, (k, v) in enumerate(body.items(), 1))
        else:
            raise OverrideError(f"{path}: unknown action {action!r} (expected {', '.join(ACTIONS)})")
    return rules


def _check(rule: Rule, path: Path) -> None:
    where = f"{path}:{rule.line}"
    if rule.action not in ACTIONS:
        raise OverrideError(f"{where}: unknown action {rule.action!r} (expected {', '.join(ACTIONS)})")
    if not rule.name or not rule.other:
        raise OverrideError(f"{where}: {rule.action} needs a name and a second value")
    if rule.action == "kind" and rule.other not in KINDS:
        raise OverrideError(f"{where}: kind must be one of {', '.join(KINDS)}, not {rule.other!r}")
