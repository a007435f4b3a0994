"""The workspace config (``salesscope.yaml``): a declared, validated model."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator

from salesscope import locale
from salesscope.errors import ConfigError
from salesscope.locale import Digits, Listed, Text
from salesscope.vocab import Calendar, Dimension

CONFIG_FILE = "salesscope.yaml"


def _known_language(code: str) -> str:
    if not locale.supported(code):
        raise ValueError(Text("error.config.one_of", value=code, options=Listed(locale.languages())))
    return code


# A language SalesScope has a locale catalogue for (``en``, ``fa``...).
Language = Annotated[str, AfterValidator(_known_language)]


class Target(BaseModel):
    """A target for one indicator, optionally for one dimension value (``by: {team: North}``)."""

    model_config = ConfigDict(extra="forbid")
    kpi: str
    value: float
    by: dict[Dimension, str] = Field(default_factory=dict)


class MeasureDecl(BaseModel):
    """A user-declared measure: an aggregate over one canonical table, with optional filters."""

    model_config = ConfigDict(extra="forbid")
    table: str
    agg: Literal["count", "sum", "mean", "median"] = "count"
    column: str | None = None
    time: str | None = None  # the timestamp that places a row in a period; table default if absent
    where: dict[str, Any] = Field(default_factory=dict)


class IndicatorDecl(BaseModel):
    """A user-declared indicator: a ratio, difference or sum of measures."""

    model_config = ConfigDict(extra="forbid")
    id: str
    name_en: str
    name_fa: str | None = None
    kind: Literal["ratio", "difference", "sum"] = "ratio"
    measures: list[MeasureDecl]
    scale: float = 1.0
    unit: str = "ratio"
    direction: Literal["higher_is_better", "lower_is_better"] = "higher_is_better"
    description: str = ""


class BackendConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["duckdb", "postgres", "spark"] = "duckdb"
    # postgres
    host: str = "127.0.0.1"
    port: int = 5432
    user: str = "postgres"
    password: str | None = None
    database: str | None = None
    schema_: str | None = Field(default=None, alias="schema")
    crm_mapping: str | None = None  # a mapping of CRM tables to canonical views
    # spark
    master: str = "local[2]"
    warehouse: str | None = None


class WorkspaceConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    name: str = "SalesScope workspace"
    currency: str = "USD"
    calendar: Calendar = Calendar.GREGORIAN
    fiscal_year_start_month: int = Field(default=1, ge=1, le=12)
    timezone: str = "UTC"
    language: Language = "en"
    gross_margin: float = Field(default=1.0, gt=0, le=1)
    min_sample: int = Field(default=30, ge=1)
    targets: list[Target] = Field(default_factory=list)
    # Which rep role the ``rep`` dimension (and a rep's team) means: a role declared in a mapping
    # (stored as rep_<role>), or None for each record's owner (rep_id).
    rep_role: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9_]*$")
    indicators: list[IndicatorDecl] = Field(default_factory=list)
    backend: BackendConfig = Field(default_factory=BackendConfig)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(Text("error.config.time_zone", value=v, example="Asia/Tehran")) from None
        return v

    @field_validator("currency")
    @classmethod
    def _currency(cls, v: str) -> str:
        if not (len(v) == 3 and v.isalpha()):
            raise ValueError(Text("error.config.currency", value=v, example="IRR"))
        return v.upper()


def _line_of(text: str, loc: tuple[Any, ...]) -> int | None:
    """Best-effort line number of a config key path, for error messages."""
    try:
        node = yaml.compose(text)
    except yaml.YAMLError:
        return None
    line = None
    for part in loc:
        if node is None:
            break
        if isinstance(node, yaml.MappingNode):
            nxt = None
            for k, v in node.value:
                if k.value == part:
                    line, nxt = k.start_mark.line + 1, v
                    break
            node = nxt
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line


def load_config(path: Path) -> WorkspaceConfig:
    """Read and validate a config file; every problem is reported with its line."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(Text("error.config.missing", path=path)) from None
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as e:
        raise ConfigError(Text("error.config.not_yaml", path=path, detail=e)) from None
    if not isinstance(data, dict):
        raise ConfigError(Text("error.config.not_a_mapping", path=path))
    try:
        return WorkspaceConfig.model_validate(data)
    except ValidationError as e:
        problems = []
        for err in e.errors():
            loc = tuple(err["loc"])
            line = _line_of(text, loc)
            where = f"{path}:{line}" if line else str(path)
            problems.append(Text("error.config.problem", where=where, field=".".join(map(str, loc)),
                                 what=validation_problem(err)))
        raise ConfigError(Text("error.config.invalid", problems=Listed(problems, sep="\n"))) from None


# pydantic's error types, as the catalogue words them (``error.config.<key>``).
_PROBLEMS = {
    "missing": "missing",
    "extra_forbidden": "unknown",
    "int_parsing": "not_integer", "int_type": "not_integer", "int_from_float": "not_integer",
    "float_parsing": "not_number", "float_type": "not_number",
    "bool_parsing": "not_bool", "bool_type": "not_bool",
    "string_type": "not_text",
    "list_type": "not_list",
    "dict_type": "not_mapping", "model_type": "not_mapping", "model_attributes_type": "not_mapping",
    "greater_than_equal": "at_least", "greater_than": "above",
    "less_than_equal": "at_most", "less_than": "below",
    "string_pattern_mismatch": "pattern",
}


def validation_problem(err: Any) -> Text:
    """One of pydantic's validation errors in the reader's language: the value given and what
    was expected (a validator's own reason when it raised ``ValueError(Text(...))``)."""
    kind, ctx, value = err["type"], err.get("ctx") or {}, err.get("input")
    if kind == "value_error" and isinstance(ctx.get("error"), ValueError):
        reason = ctx["error"].args[0] if ctx["error"].args else None
        if isinstance(reason, Text):
            return reason
    if kind in ("literal_error", "enum"):
        # pydantic writes the choices as "'a', 'b' or 'c'"
        choices = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        return Text("error.config.one_of", value=value, options=Listed(choices))
    if kind in _PROBLEMS:
        limit = next((ctx[k] for k in ("ge", "gt", "le", "lt") if k in ctx), None)
        return Text(f"error.config.{_PROBLEMS[kind]}", value=value, limit=None if limit is None else Digits(limit),
                    yes="true", no="false")
    return Text("error.config.bad_value", value=value)


def save_config(config: WorkspaceConfig, path: Path) -> None:
    data = config.model_dump(mode="json", by_alias=True, exclude_defaults=False)
    data["backend"] = {k: v for k, v in data["backend"].items() if v is not None}
    # It may hold the PostgreSQL password: only the owner may read it, from the first byte on.
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
