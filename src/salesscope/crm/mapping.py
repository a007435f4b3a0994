"""A CRM mapping: canonical tables declared as SQL views over a CRM database's own tables.

A mapping file names, per canonical table, the CRM tables to read (``from``), an optional row
filter (``where``) and one SQL expression per canonical column. A channel column may map the CRM's
own labels onto the channel vocabulary; the label itself is kept in ``<column>_label``; a value map
on a text column keeps the labels it does not list. Columns left out are NULL. Every column is cast
to its canonical type, so the engine sees the same schema as in an embedded workspace.

Besides the canonical tables, a mapping may declare:

- ``shared``: named subqueries every view may read, as if they were tables (a ``WITH`` clause);
- ``attr_<name>`` columns on the tables that take free attributes: text dimensions, as an
  imported mapping's attributes are;
- ``history``: views the canonical tables cannot hold, each with its own fixed columns
  (``HISTORY``): a deal's stage changes, and activities planned but not yet done;
- ``timezone``: the zone the CRM keeps its timestamps in; they are shown as wall-clock times in
  the workspace's zone, as an import stores them;
- ``version``: a query giving the CRM database's version, and the versions the mapping reads:
  another version is refused with a message naming both, before any view is created.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from salesscope.config import validation_problem
from salesscope.errors import ConfigError
from salesscope.locale import Listed, Text
from salesscope.schema import ATTRIBUTE_PREFIX, EXTENSIBLE, PG_TYPES, TABLES, Kind, Table
from salesscope.vocab import Channel

BUILTIN = Path(__file__).parent

# The history views a mapping may declare: their columns and kinds, in order.
HISTORY: dict[str, dict[str, Kind]] = {
    # one row per stage an opportunity entered: its first stage at creation, then every move
    "stage_changes": {
        "opportunity_id": Kind.TEXT, "stage": Kind.TEXT, "stage_order": Kind.NUMBER,
        "entered_at": Kind.TIMESTAMP, "changed_by": Kind.TEXT,
    },
    # activities scheduled and not done yet: never outreach until they are done
    "planned_activities": {
        "activity_id": Kind.TEXT, "planned_at": Kind.TIMESTAMP, "due_on": Kind.DATE,
        "channel": Kind.CHANNEL, "kind": Kind.TEXT, "rep_id": Kind.TEXT, "lead_id": Kind.TEXT,
        "opportunity_id": Kind.TEXT,
    },
}


class ViewColumn(BaseModel):
    """One canonical column: an SQL expression, optionally with a value map onto the vocabulary."""

    model_config = ConfigDict(extra="forbid")
    expr: str
    values: dict[str, str] = Field(default_factory=dict)  # CRM label (case-insensitive) -> value
    default: str | None = None  # for labels the map does not list


class ViewTable(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    from_: str = Field(alias="from")
    where: str | None = None
    columns: dict[str, ViewColumn]

    @model_validator(mode="before")
    @classmethod
    def _short_columns(cls, data: Any) -> Any:
        cols = data.get("columns") if isinstance(data, dict) else None
        if isinstance(cols, dict):
            data = {**data, "columns": {k: {"expr": v} if isinstance(v, str) else v for k, v in cols.items()}}
        return data


class VersionCheck(BaseModel):
    """Which versions of the CRM the mapping reads, and how to ask the database for its own."""

    model_config = ConfigDict(extra="forbid")
    product: str  # the CRM's name, as the messages give it
    query: str  # one value: the database's version (``17.0.1.3``)
    supported: list[str]  # versions read: a version matches itself and its point releases

    def reads(self, found: str) -> bool:
        return any(found == v or found.startswith(f"{v}.") for v in self.supported)


class CrmMapping(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    description: str = ""
    source_schema: str = "public"
    timezone: str | None = None  # of the CRM's timestamps (None: already the workspace's)
    shared: dict[str, str] = Field(default_factory=dict)  # name -> SELECT
    tables: dict[Table, ViewTable]
    history: dict[str, ViewTable] = Field(default_factory=dict)
    version: VersionCheck | None = None


def load_crm_mapping(name_or_path: str | Path, base: Path | None = None) -> CrmMapping:
    """Read a mapping: a built-in name (``odoo``) or a YAML file (relative to ``base``)."""
    path = Path(name_or_path)
    if not path.suffix and (BUILTIN / f"{name_or_path}.yaml").exists():
        path = BUILTIN / f"{name_or_path}.yaml"
    elif not path.is_absolute() and base is not None:
        path = base / path
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        builtins = ", ".join(sorted(p.stem for p in BUILTIN.glob("*.yaml")))
        raise ConfigError(Text("error.crm.no_mapping", path=path, builtins=builtins)) from None
    except yaml.YAMLError as e:
        raise ConfigError(Text("error.config.not_yaml", path=path, detail=e)) from None
    try:
        mapping = CrmMapping.model_validate(data)
    except ValidationError as e:
        raise ConfigError(Text("error.config.invalid", problems=Listed(
            [Text("error.config.problem", where=path, field=".".join(map(str, er["loc"])),
                  what=validation_problem(er)) for er in e.errors()], "\n"))) from None
    problems = check(mapping)
    if problems:
        raise ConfigError(Text("error.config.invalid", problems="\n".join(f"{path} {p}" for p in problems)))
    return mapping


def check(mapping: CrmMapping) -> list[str]:
    """Every problem of a parsed mapping: unknown columns, missing required ones, bad values."""
    problems = []
    if mapping.timezone:
        try:
            ZoneInfo(mapping.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            problems.append(f"timezone: unknown time zone {mapping.timezone!r} (expected an IANA name like UTC)")
    channels = {c.value for c in Channel}
    for table, tmap in mapping.tables.items():
        spec = TABLES[table]
        for col, cmap in tmap.columns.items():
            if col.startswith(ATTRIBUTE_PREFIX) and table in EXTENSIBLE:
                continue
            if not spec.has(col) and not (col.endswith("_label") and spec.has(col[:-6])):
                problems.append(f"tables.{table.value}.columns.{col}: not a column of {table.value} "
                                f"(expected one of {', '.join(spec.column_names)})")
                continue
            if cmap.values and spec.has(col) and spec.column(col).kind is Kind.CHANNEL:
                bad = sorted({v for v in [*cmap.values.values(), cmap.default] if v and v not in channels})
                if bad:
                    problems.append(f"tables.{table.value}.columns.{col}: {', '.join(bad)} not in the "
                                    f"channel vocabulary ({', '.join(sorted(channels))})")
        for req in spec.required:
            if req not in tmap.columns:
                problems.append(f"tables.{table.value}.columns: required column {req!r} is not mapped")
    for name, tmap in mapping.history.items():
        if name not in HISTORY:
            problems.append(f"history.{name}: not a history view (expected one of {', '.join(HISTORY)})")
            continue
        for col in tmap.columns:
            if col not in HISTORY[name] and not (col.endswith("_label") and col[:-6] in HISTORY[name]):
                problems.append(f"history.{name}.columns.{col}: not a column of {name} "
                                f"(expected one of {', '.join(HISTORY[name])})")
    return problems


def _lit(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def _columns(table: Table | str) -> dict[str, Kind]:
    """A canonical table's or history view's columns and kinds, channel labels included."""
    if isinstance(table, Table):
        spec = TABLES[table]
        return {n: Kind.TEXT if n.endswith("_label") and not spec.has(n) else spec.column(n).kind
                for n in spec.column_names}
    out: dict[str, Kind] = {}
    for n, kind in HISTORY[table].items():
        out[n] = kind
        if kind is Kind.CHANNEL:
            out[f"{n}_label"] = Kind.TEXT
    return out


def column_sql(name: str, kind: Kind, cmap: ViewColumn | None, zones: tuple[str, str] | None = None) -> str:
    """The view's select item for one column, cast to its kind's type; a timestamp is moved from
    the first of ``zones`` (the CRM's) to the second (the workspace's) when given."""
    typ = PG_TYPES[kind]
    if cmap is None:
        return f'CAST(NULL AS {typ}) AS "{name}"'
    expr = cmap.expr
    if kind is Kind.TIMESTAMP and zones:
        expr = f"(CAST({expr} AS timestamp) AT TIME ZONE {_lit(zones[0])}) AT TIME ZONE {_lit(zones[1])}"
    if cmap.values:
        arms = " ".join(f"WHEN lower(CAST({expr} AS text)) = {_lit(k.lower())} THEN {_lit(v)}"
                        for k, v in cmap.values.items())
        if cmap.default:
            other = _lit(cmap.default)
        else:  # a channel without a default is NULL; a text column keeps the CRM's own label
            other = "NULL" if kind is Kind.CHANNEL else f"CAST({expr} AS text)"
        expr = f"CASE WHEN ({expr}) IS NULL THEN NULL {arms} ELSE {other} END"
    return f'CAST({expr} AS {typ}) AS "{name}"'


def view_sql(mapping: CrmMapping, table: Table | str, timezone: str | None = None) -> str:
    """The SELECT behind one canonical table's or history view's view, with timestamps in
    ``timezone`` (the workspace's)."""
    tmap = mapping.tables[table] if isinstance(table, Table) else mapping.history[table]
    zones = (mapping.timezone, timezone) if mapping.timezone and timezone and mapping.timezone != timezone else None
    items = []
    for name, kind in _columns(table).items():
        cmap = tmap.columns.get(name)
        if cmap is None and name.endswith("_label") and name[:-6] in tmap.columns:
            cmap = ViewColumn(expr=tmap.columns[name[:-6]].expr)  # the CRM's own label
        items.append(column_sql(name, kind, cmap, zones))
    items += [column_sql(name, Kind.TEXT, cmap) for name, cmap in tmap.columns.items()
              if name.startswith(ATTRIBUTE_PREFIX)]
    shared = ", ".join(f'"{n}" AS ({q})' for n, q in mapping.shared.items())
    with_ = f"WITH {shared} " if shared else ""
    where = f" WHERE {tmap.where}" if tmap.where else ""
    return f"{with_}SELECT {', '.join(items)} FROM {tmap.from_}{where}"
