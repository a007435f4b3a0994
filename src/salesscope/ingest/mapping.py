"""Mapping files: how the columns and values of an export become canonical tables.

The format is documented in ``docs/mapping.md``. A mapping is validated as a whole and every
problem names the mapping file and line.
"""

from __future__ import annotations

import difflib
import fnmatch
import re
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationError,
    field_validator,
    model_validator,
)

from salesscope.config import _line_of, validation_problem
from salesscope.errors import ConfigError
from salesscope.ingest.messages import column_purpose, say
from salesscope.locale import Listed, Text
from salesscope.schema import (
    ENUM_VALUES,
    EXTENSIBLE,
    TABLES,
    Kind,
    Table,
    TableSpec,
    attribute_column,
    extended,
    rep_role_column,
)
from salesscope.vocab import Dimension

DateFormat = str | list[str]  # iso | dayfirst | monthfirst | jalali | strftime pattern(s)
Scale = Literal["auto", "percent", "fraction"]


class WhenTest(BaseModel):
    """A condition on one source column; all given parts must hold."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    in_: list[str] | None = Field(default=None, alias="in")
    not_in: list[str] | None = Field(default=None, alias="not")
    empty: bool | None = None


class Lookup(BaseModel):
    """A value taken from another file of the same import, found by key.

    ``{file: "leads*.csv", where: ID, equals: Lead ID, take: Created}`` reads: take ``Created``
    from the row of ``leads*.csv`` whose ``ID`` equals this row's ``Lead ID``.
    """

    model_config = ConfigDict(extra="forbid")
    file: str  # a file-name pattern or a sheet name, as in a table's ``files``
    where: str  # the key column in that file
    equals: str | None = None  # this file's column holding the key (default: ``where``)
    take: str  # the column whose value is taken

    @property
    def key_column(self) -> str:
        return self.equals or self.where


class ColumnMap(BaseModel):
    """Where one canonical column comes from and how its values read."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    from_: str | list[str] | None = Field(default=None, alias="from")
    template: str | None = None
    value: str | int | float | None = None
    lookup: Lookup | None = None
    parts: list[str] | None = None  # a composite key: the columns' values joined unambiguously
    row_number: bool | None = None  # a key made of the file and the row number
    values: dict[str, str | None] | None = None
    default: str | None = None
    format: DateFormat | None = None
    year: int | None = None  # the year of dates whose format has none
    decimal: Literal[".", ","] | None = None
    scale: Scale | None = None
    # For a status or purpose: the value of those the map and the vocabulary do not know,
    # each such value reported in a warning instead of rejecting its rows.
    otherwise: str | None = None
    optional: bool = False

    @model_validator(mode="after")
    def _one_source(self) -> ColumnMap:
        given = [k for k in SOURCE_KINDS if getattr(self, k) not in (None, False)]
        if len(given) != 1:
            raise ValueError(say("one_source", kinds=Listed(f"'{k.rstrip('_')}'" for k in SOURCE_KINDS)))
        return self

    @property
    def sources(self) -> list[str]:
        """The source columns this column reads (in this file)."""
        if isinstance(self.from_, str):
            return [self.from_]
        if isinstance(self.from_, list):
            return list(self.from_)
        if self.template is not None:
            return re.findall(r"\{([^{}]+)\}", self.template)
        if self.parts is not None:
            return list(self.parts)
        if self.lookup is not None:
            return [self.lookup.key_column]
        return []

    def describe(self) -> str:
        """How messages name where the value comes from: the source column(s)."""
        if self.lookup is not None:
            lk = self.lookup
            return f"{lk.take} of {lk.file} by {lk.key_column}"
        if self.row_number:
            return "row number"
        if self.value is not None:
            return f"constant {self.value!r}"
        if self.template is not None:
            return self.template
        return " / ".join(self.sources)


SOURCE_KINDS = ("from_", "template", "value", "lookup", "parts", "row_number")


def _short_form(v: Any) -> Any:
    # ``rep_id: Deal owner`` is short for ``rep_id: {from: Deal owner}``.
    if isinstance(v, dict):
        return {k: ({"from": c} if isinstance(c, str | list) else c) for k, c in v.items()}
    return v


class TableMap(BaseModel):
    """One canonical table fed by the export."""

    model_config = ConfigDict(extra="forbid")
    columns: dict[str, ColumnMap]
    when: dict[str, str | list[str] | WhenTest] = Field(default_factory=dict)
    deduplicate: bool = False
    files: str | list[str] | None = None  # file-name patterns this table reads (default: all)
    sheet: str | list[str] | None = None  # workbook sheet names (patterns) it reads
    enrich: bool = False  # update the mapped columns of stored rows instead of replacing rows
    attributes: dict[str, ColumnMap] = Field(default_factory=dict)
    rep_roles: dict[str, ColumnMap] = Field(default_factory=dict)

    @field_validator("columns", "attributes", "rep_roles", mode="before")
    @classmethod
    def _short_columns(cls, v: Any) -> Any:
        return _short_form(v)

    def stored_columns(self) -> dict[str, ColumnMap]:
        """Every stored column this table map fills: canonical, ``attr_*`` and ``rep_*``."""
        return {**self.columns,
                **{attribute_column(attribute_name(n)): c for n, c in self.attributes.items()},
                **{rep_role_column(attribute_name(n)): c for n, c in self.rep_roles.items()}}

    def spec(self, table: Table) -> TableSpec:
        """The table's spec with the declared attributes and rep roles."""
        return extended(TABLES[table], [attribute_name(n) for n in self.attributes],
                        [attribute_name(n) for n in self.rep_roles])

    def reads(self, file_name: str, sheet: str | None) -> bool:
        """Whether this table reads a file (or one of its sheets), by ``files`` and ``sheet``."""
        ok = True
        if self.files is not None:
            ok = matches(self.files, file_name) or (sheet is not None
                                                    and matches(self.files, sheet))
        if self.sheet is not None:
            ok = ok and sheet is not None and matches(self.sheet, sheet)
        return ok


def matches(patterns: str | list[str], name: str) -> bool:
    """Whether a file or sheet name matches one of the patterns (``*``, ``?``; any case)."""
    pats = [patterns] if isinstance(patterns, str) else patterns
    return any(fnmatch.fnmatchcase(name.lower(), p.lower()) for p in pats)


def attribute_name(name: str) -> str:
    """An attribute or rep role name as stored: lower-case snake case (``Lead Type`` -> lead_type)."""
    return header_key(name)


# One table map or a list of them; the tags (dropped from error paths) let pydantic report
# only the form the mapping uses.
TableMaps = Annotated[
    Annotated[TableMap, Tag("[map]")] | Annotated[list[TableMap], Tag("[list]")],
    Discriminator(lambda v: "[list]" if isinstance(v, list) else "[map]"),
]


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
    # A table fed by several files in different ways (whole rows from one, enriching columns
    # from another) takes a list of table maps.
    tables: dict[Table, TableMaps] = Field(default_factory=dict)
    # Shorthand for a single table: ``table: leads`` + ``columns: {...}``.
    table: Table | None = None
    columns: dict[str, ColumnMap] | None = None

    @field_validator("columns", mode="before")
    @classmethod
    def _short_form(cls, v: Any) -> Any:
        return _short_form(v)

    def table_maps(self, table: str | None = None) -> list[tuple[Table, TableMap]]:
        """The tables this mapping feeds; ``table`` names the target of a shorthand mapping."""
        out = [(t, tm) for t, tms in self.tables.items()
               for tm in (tms if isinstance(tms, list) else [tms])]
        if self.columns is not None:
            target = self.table or (Table(table) if table else None)
            if target is None:
                raise ConfigError(say("columns_without_table", name=self.name or "mapping"))
            out.append((target, TableMap(columns=self.columns)))
        return out

    def date_format(self, col: ColumnMap) -> DateFormat | None:
        return col.format if col.format is not None else self.dates.format

    def decimal(self, col: ColumnMap) -> str | None:
        """The decimal separator the mapping declares for a column; None: read from the data."""
        return col.decimal or self.numbers.decimal


NAMED_FORMATS = ("iso", "dayfirst", "monthfirst", "jalali", "auto")
YEAR_DIRECTIVES = ("%Y", "%y", "%G")
NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
BOOLEAN_WORDS = "yes, no, on, off, true, false"

Problem = tuple[tuple[Any, ...], Text | str]  # where, what


def _format_problems(fmt: DateFormat | None, year_given: bool) -> list[Text]:
    """What is wrong with a date format: an unknown name, or no year and none given."""
    if fmt is None:
        return []
    if isinstance(fmt, str) and "%" not in fmt:
        if fmt in NAMED_FORMATS:
            return []
        close = difflib.get_close_matches(fmt.lower(), NAMED_FORMATS, n=1, cutoff=0.6)
        return [say("unknown_format", fmt=fmt, names=", ".join(NAMED_FORMATS),
                    hint=Text("error.did_you_mean", guess=repr(close[0])) if close else "")]
    pats = [fmt] if isinstance(fmt, str) else fmt
    out = [say("format_not_pattern", fmt=p) for p in pats if "%" not in p]
    yearless = [p for p in pats if "%" in p and not any(y in p for y in YEAR_DIRECTIVES)]
    if yearless and not year_given:
        out.append(say("yearless_format", fmt=yearless[0]))
    return out


def _name_problems(names: list[str], spec: TableSpec, what: str) -> list[tuple[str, Text]]:
    """Problems of attribute or rep role names: (declared name, what is wrong)."""
    reserved = {d.value for d in Dimension} | {"channel_label"} | {c.name for c in spec.columns}
    out = []
    seen: dict[str, str] = {}
    for raw in names:
        name = attribute_name(raw)
        if not NAME_RE.match(name):
            out.append((raw, say("bad_name", what=say(f"what.{what}"), name=raw)))
        elif what == "attribute" and name in reserved:
            out.append((raw, say("reserved_attribute", name=name)))
        elif what == "rep_role" and name in ("id", "owner"):
            out.append((raw, say("reserved_role", name=name)))
        elif name in seen:
            out.append((raw, say("same_name", what=say(f"what.{what}"), name=raw, other=seen[name])))
        seen.setdefault(name, raw)
    return out


def _check_table(loc: tuple[Any, ...], table: Table, tm: TableMap,
                 m: Mapping) -> list[Problem]:
    """Problems of one table map that pydantic cannot see."""
    base = TABLES[table]
    spec = tm.spec(table)
    problems: list[Problem] = []
    valid = [c.name for c in base.columns]
    for name, col in tm.columns.items():
        if name not in valid:
            problems.append(((*loc, "columns", name), say(
                "unknown_column", name=name, table=table.value, valid=", ".join(valid))))
        elif col.row_number and not (base.has_id and name == base.key[0]):
            problems.append(((*loc, "columns", name), say("row_number_not_key", name=name)))
        elif name in base.key and col.template is not None and "}{" in col.template:
            problems.append(((*loc, "columns", name), say(
                "colliding_template", name=name, template=col.template,
                parts=", ".join(col.sources))))
    for name, col in tm.columns.items():
        if col.otherwise is not None and name in valid:
            kind = base.column(name).kind
            if kind not in (Kind.STATUS, Kind.PURPOSE):
                problems.append(((*loc, "columns", name, "otherwise"), say(
                    "otherwise_not_vocabulary", name=name)))
            elif col.otherwise not in ENUM_VALUES[kind]:
                problems.append(((*loc, "columns", name, "otherwise"), say(
                    "otherwise_unknown", value=col.otherwise, name=name,
                    values=", ".join(ENUM_VALUES[kind]))))
    for group, what in (("attributes", "attribute"), ("rep_roles", "rep_role")):
        declared = list(getattr(tm, group))
        if declared and table not in EXTENSIBLE:
            problems.append(((*loc, group), say(
                "not_extensible", group=group, table=table.value,
                tables=", ".join(t.value for t in EXTENSIBLE))))
            continue
        problems += [((*loc, group, raw), problem)
                     for raw, problem in _name_problems(declared, base, what)]
    for name, col in tm.stored_columns().items():
        if spec.has(name) and spec.column(name).kind in (Kind.TIMESTAMP, Kind.DATE):
            where = (*loc, "columns", name, "format") if col.format is not None else (
                "dates", "format")
            problems += [(where, problem) for problem in
                         _format_problems(m.date_format(col), col.year is not None)]
    if tm.enrich and not base.has_id:
        problems.append(((*loc, "enrich"), say("enrich_needs_id", table=table.value)))
    needed = [base.key[0]] if tm.enrich else base.required
    for req in needed:
        if req not in tm.columns:
            problems.append(((*loc, "columns"), say("needs_column", table=table.value, column=req,
                                                     why=column_purpose(table, req))))
    return problems


def _check_semantics(m: Mapping) -> list[Problem]:
    """Problems pydantic cannot see: unknown or missing columns, bad formats and names."""
    problems: list[Problem] = []
    if m.dates.format is not None:
        problems += [(("dates", "format"), problem) for problem in _format_problems(m.dates.format, True)]
    for t, tms in m.tables.items():
        if isinstance(tms, list):
            for i, tm in enumerate(tms):
                problems += _check_table(("tables", t.value, i), t, tm, m)
        else:
            problems += _check_table(("tables", t.value), t, tms, m)
    if m.columns is not None and m.table is not None:
        problems += _check_table((), m.table, TableMap(columns=m.columns), m)
    # One problem once (a default format shared by several columns is reported once).
    return list(dict.fromkeys(problems))


def _pydantic_problem(err: Any) -> Problem:
    """A pydantic error as a problem, with the hint YAML's booleans need."""
    loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and "[" in p))
    if isinstance(err.get("input"), bool):
        if "[key]" in err["loc"]:
            loc = (*loc[:-1], str(err["input"]).lower())  # the key YAML read as a boolean
        return loc, say("yaml_boolean", words=BOOLEAN_WORDS, value=str(err["input"]).lower())
    return loc, validation_problem(err)


def parse_mapping(text: str, origin: str) -> Mapping:
    """Validate mapping YAML; every problem is reported as ``<origin>:<line> <path>: <problem>``."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"{origin}:{mark.line + 1}" if mark else origin
        raise ConfigError(say("not_yaml", where=where, detail=getattr(e, "problem", e))) from None
    if not isinstance(data, dict):
        raise ConfigError(say("no_top_mapping", origin=origin))
    problems: list[Problem] = []
    mapping: Mapping | None = None
    try:
        mapping = Mapping.model_validate(data)
    except ValidationError as e:
        problems += [_pydantic_problem(err) for err in e.errors()]
    if mapping is not None:
        if not mapping.tables and mapping.columns is None:
            problems.append(((), say("no_table")))
        problems.extend(_check_semantics(mapping))
    if problems:
        lines = []
        for loc, problem in problems:
            line = _line_of(text, tuple(p for p in loc)) or 1
            path = ".".join(map(str, loc))
            lines.append(Listed([f"{origin}:{line} {path + ': ' if path else ''}", problem], ""))
        raise ConfigError(Listed(lines, "\n"))
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
        raise ConfigError(say("unreadable_mapping", path=p, detail=e.strerror)) from None
    return parse_mapping(text, str(p))


def list_presets() -> list[str]:
    """Names of the shipped presets (``--preset NAME``)."""
    files = resources.files("salesscope.presets").iterdir()
    return sorted(f.name.removesuffix(".yaml") for f in files if f.name.endswith(".yaml"))


def load_preset(name: str) -> Mapping:
    """A shipped preset by name, e.g. ``hubspot-deals``."""
    names = list_presets()
    if name not in names:
        raise ConfigError(say("unknown_preset", name=name, names=", ".join(names)))
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
