"""Mapping files: how the columns and values of an export become canonical tables.

The format is documented in ``docs/mapping.md``. A mapping is validated as a whole and every
problem names the mapping file and line.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from salesscope.config import _line_of
from salesscope.errors import ConfigError
from salesscope.schema import TABLES, Table

DateFormat = str | list[str]  # iso | dayfirst | monthfirst | jalali | strftime pattern(s)
Scale = Literal["auto", "percent", "fraction"]


class WhenTest(BaseModel):
    """A condition on one source column; all given parts must hold."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    in_: list[str] | None = Field(default=None, alias="in")
    not_in: list[str] | None = Field(default=None, alias="not")
    empty: bool | None = None


class ColumnMap(BaseModel):
    """Where one canonical column comes from and how its values read."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    from_: str | list[str] | None = Field(default=None, alias="from")
    template: str | None = None
    value: str | int | float | None = None
    values: dict[str, str | None] | None = None
    default: str | None = None
    format: DateFormat | None = None
    decimal: Literal[".", ","] | None = None
    scale: Scale | None = None
    optional: bool = False

    @model_validator(mode="after")
    def _one_source(self) -> ColumnMap:
        given = [k for k in ("from_", "template", "value") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of 'from' (a source column or a list of them), "
                             "'template' or 'value'")
        return self

    @property
    def sources(self) -> list[str]:
        """The source columns this column reads."""
        if isinstance(self.from_, str):
            return [self.from_]
        if isinstance(self.from_, list):
            return list(self.from_)
        if self.template is not None:
            return re.findall(r"\{([^{}]+)\}", self.template)
        return []


class TableMap(BaseModel):
    """One canonical table fed by the export."""

    model_config = ConfigDict(extra="forbid")
    columns: dict[str, ColumnMap]
    when: dict[str, str | list[str] | WhenTest] = Field(default_factory=dict)
    deduplicate: bool = False

    @field_validator("columns", mode="before")
    @classmethod
    def _short_form(cls, v: Any) -> Any:
        # ``rep_id: Deal owner`` is short for ``rep_id: {from: Deal owner}``.
        if isinstance(v, dict):
            return {k: ({"from": c} if isinstance(c, str | list) else c) for k, c in v.items()}
        return v


class SourceOptions(BaseModel):
    """How to read the export file."""

    model_config = ConfigDict(extra="forbid")
    delimiter: str | None = None
    encoding: str | None = None
    sheet: str | None = None


class Defaults(BaseModel):
    model_config = ConfigDict(extra="forbid")
    format: DateFormat | None = None
    decimal: Literal[".", ","] | None = None


class Mapping(BaseModel):
    """A whole mapping file."""

    model_config = ConfigDict(extra="forbid")
    name: str | None = None
    description: str | None = None
    source: SourceOptions = Field(default_factory=SourceOptions)
    dates: Defaults = Field(default_factory=Defaults)
    numbers: Defaults = Field(default_factory=Defaults)
    tables: dict[Table, TableMap] = Field(default_factory=dict)
    # Shorthand for a single table: ``table: leads`` + ``columns: {...}``.
    table: Table | None = None
    columns: dict[str, ColumnMap] | None = None

    @field_validator("columns", mode="before")
    @classmethod
    def _short_form(cls, v: Any) -> Any:
        return TableMap._short_form(v)

    def table_maps(self, table: str | None = None) -> dict[Table, TableMap]:
        """The tables this mapping feeds; ``table`` names the target of a shorthand mapping."""
        out = dict(self.tables)
        if self.columns is not None:
            target = self.table or (Table(table) if table else None)
            if target is None:
                raise ConfigError(f"{self.name or 'mapping'}: 'columns' given without 'table' "
                                  "(add 'table: <name>' or pass --table)")
            out[target] = TableMap(columns=self.columns)
        return out

    def date_format(self, col: ColumnMap) -> DateFormat | None:
        return col.format if col.format is not None else self.dates.format

    def decimal(self, col: ColumnMap) -> str:
        return col.decimal or self.numbers.decimal or "."


NAMED_FORMATS = ("iso", "dayfirst", "monthfirst", "jalali", "auto")


def _check_semantics(m: Mapping) -> list[tuple[tuple[Any, ...], str]]:
    """Problems pydantic cannot see: unknown canonical columns, missing required ones."""
    problems: list[tuple[tuple[Any, ...], str]] = []
    maps = {f"tables.{t.value}": (("tables", t.value), tm) for t, tm in m.tables.items()}
    if m.columns is not None and m.table is not None:
        maps["columns"] = ((), TableMap(columns=m.columns))
    for_table = {**{k: t for k, t in ((f"tables.{t.value}", t) for t in m.tables)},
                 "columns": m.table}
    for key, (loc, tm) in maps.items():
        spec = TABLES[for_table[key]]
        valid = [c.name for c in spec.columns]
        for name, col in tm.columns.items():
            where = (*loc, "columns", name)
            if name not in valid:
                problems.append((where, f"unknown column {name!r} for table {spec.name.value} "
                                        f"(expected one of {', '.join(valid)})"))
                continue
            fmt = col.format
            if isinstance(fmt, str) and "%" not in fmt and fmt not in NAMED_FORMATS:
                problems.append(((*where, "format"), f"unknown date format {fmt!r} (expected "
                                 f"{', '.join(NAMED_FORMATS)} or a strftime pattern like %d.%m.%Y)"))
        for req in spec.required:
            if req not in tm.columns:
                problems.append(((*loc, "columns"), f"table {spec.name.value} needs column "
                                                    f"{req!r}"))
    return problems


def parse_mapping(text: str, origin: str) -> Mapping:
    """Validate mapping YAML; every problem is reported as ``<origin>:<line> <path>: <problem>``."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"{origin}:{mark.line + 1}" if mark else origin
        raise ConfigError(f"{where} not valid YAML: {getattr(e, 'problem', e)}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{origin}:1 expected a mapping with 'tables:' at the top level")
    problems: list[tuple[tuple[Any, ...], str]] = []
    mapping: Mapping | None = None
    try:
        mapping = Mapping.model_validate(data)
    except ValidationError as e:
        for err in e.errors():
            loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and "[" in p))
            msg = err["msg"].removeprefix("Value error, ")
            problems.append((loc, msg))
    if mapping is not None:
        if not mapping.tables and mapping.columns is None:
            problems.append(((), "the mapping feeds no table (add 'tables:')"))
        problems.extend(_check_semantics(mapping))
    if problems:
        lines = []
        for loc, msg in problems:
            line = _line_of(text, loc) or 1
            path = ".".join(map(str, loc))
            lines.append(f"{origin}:{line} {path + ': ' if path else ''}{msg}")
        raise ConfigError("\n".join(lines))
    assert mapping is not None
    return mapping


def load_mapping(path: str | Path) -> Mapping:
    """Read and validate a mapping file.

    >>> load_mapping("my-crm.yaml").tables.keys()   # doctest: +SKIP
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as e:
        raise ConfigError(f"{p}: cannot read the mapping file: {e.strerror}") from None
    return parse_mapping(text, str(p))


def list_presets() -> list[str]:
    """Names of the shipped presets (``--preset NAME``)."""
    files = resources.files("salesscope.presets").iterdir()
    return sorted(f.name.removesuffix(".yaml") for f in files if f.name.endswith(".yaml"))


def load_preset(name: str) -> Mapping:
    """A shipped preset by name, e.g. ``hubspot-deals``."""
    names = list_presets()
    if name not in names:
        raise ConfigError(f"unknown preset {name!r}: expected one of {', '.join(names)}")
    res = resources.files("salesscope.presets").joinpath(f"{name}.yaml")
    return parse_mapping(res.read_text(encoding="utf-8"), f"preset {name}")


def header_key(name: str) -> str:
    """Headers compare case-insensitively, with spaces, dashes and underscores alike."""
    return re.sub(r"[\s_\-]+", "_", str(name).strip().lower()).strip("_")


def table_for_name(name: str) -> Table | None:
    """The canonical table a file or sheet is named after (``leads-2024.csv`` -> leads)."""
    key = header_key(Path(name).name.split(".")[0])
    for t in sorted(Table, key=lambda t: -len(t.value)):
        if key == t.value or re.match(rf"^{t.value}([_.\s]|$)", key):
            return t
    return None


def canonical_mapping(table: Table, headers: list[str]) -> tuple[TableMap, list[str]]:
    """A mapping for a file whose headers are canonical names; also the ignored headers."""
    spec = TABLES[table]
    by_key = {header_key(h): h for h in headers}
    cols: dict[str, ColumnMap] = {}
    for c in spec.columns:
        if c.name in by_key:
            cols[c.name] = ColumnMap(from_=by_key[c.name])
    used = {cm.from_ for cm in cols.values()}
    labels = {f"{c.name}_label" for c in spec.columns if c.kind.value == "channel"}
    ignored = [h for h in headers if h not in used and header_key(h) not in labels]
    return TableMap(columns=cols), ignored
