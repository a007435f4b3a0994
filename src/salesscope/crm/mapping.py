"""A CRM mapping: canonical tables declared as SQL views over a CRM database's own tables.

A mapping file names, per canonical table, the CRM tables to read (``from``), an optional row
filter (``where``) and one SQL expression per canonical column. A channel column may map the CRM's
own labels onto the channel vocabulary; the label itself is kept in ``<column>_label``. Columns
left out are NULL. Every column is cast to its canonical type, so the engine sees the same schema
as in an embedded workspace.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from salesscope.errors import ConfigError
from salesscope.schema import PG_TYPES, TABLES, Kind, Table
from salesscope.vocab import Channel

BUILTIN = Path(__file__).parent


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


class CrmMapping(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    description: str = ""
    source_schema: str = "public"
    tables: dict[Table, ViewTable]


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
        raise ConfigError(f"{path}: no such CRM mapping (built-in mappings: {builtins})") from None
    except yaml.YAMLError as e:
        raise ConfigError(f"{path}: not valid YAML: {e}") from None
    try:
        mapping = CrmMapping.model_validate(data)
    except ValidationError as e:
        raise ConfigError("\n".join(
            f"{path} {'.'.join(map(str, er['loc']))}: {er['msg']}" for er in e.errors())) from None
    problems = check(mapping)
    if problems:
        raise ConfigError("\n".join(f"{path} {p}" for p in problems))
    return mapping


def check(mapping: CrmMapping) -> list[str]:
    """Every problem of a parsed mapping: unknown columns, missing required ones, bad values."""
    problems = []
    channels = {c.value for c in Channel}
    for table, tmap in mapping.tables.items():
        spec = TABLES[table]
        for col, cmap in tmap.columns.items():
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
    return problems


def _lit(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def column_sql(table: Table, name: str, cmap: ViewColumn | None) -> str:
    """The view's select item for one canonical column, cast to its canonical type."""
    spec = TABLES[table]
    kind = Kind.TEXT if name.endswith("_label") and not spec.has(name) else spec.column(name).kind
    typ = PG_TYPES[kind]
    if cmap is None:
        return f'CAST(NULL AS {typ}) AS "{name}"'
    expr = cmap.expr
    if cmap.values:
        arms = " ".join(f"WHEN lower(CAST({expr} AS text)) = {_lit(k.lower())} THEN {_lit(v)}"
                        for k, v in cmap.values.items())
        other = _lit(cmap.default) if cmap.default else "NULL"
        expr = f"CASE WHEN ({expr}) IS NULL THEN NULL {arms} ELSE {other} END"
    return f'CAST({expr} AS {typ}) AS "{name}"'


def view_sql(mapping: CrmMapping, table: Table) -> str:
    """The SELECT behind one canonical view."""
    tmap = mapping.tables[table]
    items = []
    for name in TABLES[table].column_names:
        cmap = tmap.columns.get(name)
        if cmap is None and name.endswith("_label") and name[:-6] in tmap.columns:
            cmap = ViewColumn(expr=tmap.columns[name[:-6]].expr)  # the CRM's own label
        items.append(column_sql(table, name, cmap))
    where = f" WHERE {tmap.where}" if tmap.where else ""
    return f"SELECT {', '.join(items)} FROM {tmap.from_}{where}"
