"""The canonical tables, declared once: every other module reads them from here."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

from salesscope.vocab import Channel, Purpose, Status


class Table(StrEnum):
    REPS = "reps"
    ACTIVITIES = "activities"
    RESPONSES = "responses"
    TIME_LOG = "time_log"
    LEADS = "leads"
    OPPORTUNITIES = "opportunities"
    CUSTOMERS = "customers"
    QUOTAS = "quotas"
    COSTS = "costs"


class Kind(StrEnum):
    """What a column holds; it decides parsing, the store type and the checks."""

    TEXT = "text"
    TIMESTAMP = "timestamp"  # wall-clock time in the workspace's time zone
    DATE = "date"
    MONEY = "money"  # exact decimal in the workspace currency
    NUMBER = "number"  # hours, minutes: non-negative decimals
    PROBABILITY = "probability"  # 0-1 in the store; 0-100 accepted on input
    CHANNEL = "channel"  # normalised vocabulary; the label is kept in <name>_label
    STATUS = "status"
    PURPOSE = "purpose"


SQL_TYPES: dict[Kind, str] = {
    Kind.TEXT: "VARCHAR",
    Kind.TIMESTAMP: "TIMESTAMP",
    Kind.DATE: "DATE",
    Kind.MONEY: "DECIMAL(18,2)",
    Kind.NUMBER: "DOUBLE",
    Kind.PROBABILITY: "DOUBLE",
    Kind.CHANNEL: "VARCHAR",
    Kind.STATUS: "VARCHAR",
    Kind.PURPOSE: "VARCHAR",
}

ENUM_VALUES: dict[Kind, tuple[str, ...]] = {
    Kind.CHANNEL: tuple(c.value for c in Channel),
    Kind.STATUS: tuple(s.value for s in Status),
    Kind.PURPOSE: tuple(p.value for p in Purpose),
}


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    required: bool = False
    references: Table | None = None
    nonnegative: bool = False

    @property
    def sql_type(self) -> str:
        return SQL_TYPES[self.kind]


@dataclass(frozen=True)
class Order:
    """``later`` may not be before ``earlier`` on the same row."""

    earlier: str
    later: str


@dataclass(frozen=True)
class TableSpec:
    name: Table
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    has_id: bool
    orders: tuple[Order, ...] = field(default=())

    @property
    def column_names(self) -> list[str]:
        """Stored columns, including the ``<channel>_label`` companions."""
        names: list[str] = []
        for c in self.columns:
            names.append(c.name)
            if c.kind is Kind.CHANNEL:
                names.append(f"{c.name}_label")
        return names

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    def has(self, name: str) -> bool:
        return any(c.name == name for c in self.columns)

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    def ddl(self, name: str | None = None) -> str:
        cols = []
        for n in self.column_names:
            kind = Kind.TEXT if n.endswith("_label") and not self.has(n) else self.column(n).kind
            cols.append(f'"{n}" {SQL_TYPES[kind]}')
        return f'CREATE TABLE IF NOT EXISTS "{name or self.name}" ({", ".join(cols)})'


def _c(name: str, kind: Kind = Kind.TEXT, **kw) -> Column:
    return Column(name, kind, **kw)


R = Table
TABLES: dict[Table, TableSpec] = {
    Table.REPS: TableSpec(
        Table.REPS,
        (
            _c("rep_id", required=True), _c("name", required=True), _c("team"), _c("manager"),
            _c("hourly_cost", Kind.MONEY, nonnegative=True), _c("active_from", Kind.DATE),
            _c("active_to", Kind.DATE),
        ),
        key=("rep_id",), has_id=True, orders=(Order("active_from", "active_to"),),
    ),
    Table.ACTIVITIES: TableSpec(
        Table.ACTIVITIES,
        (
            _c("activity_id", required=True), _c("occurred_at", Kind.TIMESTAMP, required=True),
            _c("channel", Kind.CHANNEL, required=True), _c("rep_id", references=R.REPS), _c("kind"),
            _c("contact_id"), _c("lead_id", references=R.LEADS),
            _c("opportunity_id", references=R.OPPORTUNITIES), _c("campaign"),
            _c("cost", Kind.MONEY, nonnegative=True),
            _c("duration_minutes", Kind.NUMBER, nonnegative=True),
            _c("responded_at", Kind.TIMESTAMP),
        ),
        key=("activity_id",), has_id=True, orders=(Order("occurred_at", "responded_at"),),
    ),
    Table.RESPONSES: TableSpec(
        Table.RESPONSES,
        (
            _c("response_id", required=True), _c("occurred_at", Kind.TIMESTAMP, required=True),
            _c("channel", Kind.CHANNEL, required=True),
            _c("activity_id", references=R.ACTIVITIES), _c("contact_id"),
            _c("lead_id", references=R.LEADS), _c("campaign"),
        ),
        key=("response_id",), has_id=True,
    ),
    Table.TIME_LOG: TableSpec(
        Table.TIME_LOG,
        (
            _c("rep_id", required=True, references=R.REPS), _c("day", Kind.DATE, required=True),
            _c("hours", Kind.NUMBER, required=True, nonnegative=True), _c("channel", Kind.CHANNEL),
            _c("purpose", Kind.PURPOSE),
        ),
        key=("rep_id", "day", "channel", "purpose"), has_id=False,
    ),
    Table.LEADS: TableSpec(
        Table.LEADS,
        (
            _c("lead_id", required=True), _c("created_at", Kind.TIMESTAMP, required=True),
            _c("channel", Kind.CHANNEL), _c("campaign"), _c("rep_id", references=R.REPS),
            _c("first_contacted_at", Kind.TIMESTAMP), _c("qualified_at", Kind.TIMESTAMP),
            _c("disqualified_at", Kind.TIMESTAMP),
            _c("opportunity_id", references=R.OPPORTUNITIES),
        ),
        key=("lead_id",), has_id=True,
        orders=(Order("created_at", "first_contacted_at"), Order("created_at", "qualified_at"),
                Order("created_at", "disqualified_at")),
    ),
    Table.OPPORTUNITIES: TableSpec(
        Table.OPPORTUNITIES,
        (
            _c("opportunity_id", required=True), _c("created_at", Kind.TIMESTAMP, required=True),
            _c("status", Kind.STATUS, required=True), _c("closed_at", Kind.TIMESTAMP), _c("stage"),
            _c("amount", Kind.MONEY, nonnegative=True), _c("probability", Kind.PROBABILITY),
            _c("rep_id", references=R.REPS), _c("lead_id", references=R.LEADS),
            _c("customer_id", references=R.CUSTOMERS), _c("product"), _c("channel", Kind.CHANNEL),
        ),
        key=("opportunity_id",), has_id=True, orders=(Order("created_at", "closed_at"),),
    ),
    Table.CUSTOMERS: TableSpec(
        Table.CUSTOMERS,
        (
            _c("customer_id", required=True), _c("acquired_at", Kind.TIMESTAMP, required=True),
            _c("churned_at", Kind.TIMESTAMP), _c("segment"), _c("rep_id", references=R.REPS),
        ),
        key=("customer_id",), has_id=True, orders=(Order("acquired_at", "churned_at"),),
    ),
    Table.QUOTAS: TableSpec(
        Table.QUOTAS,
        (
            _c("period_start", Kind.DATE, required=True), _c("period_end", Kind.DATE, required=True),
            _c("amount", Kind.MONEY, required=True, nonnegative=True),
            _c("rep_id", references=R.REPS), _c("team"),
        ),
        key=("period_start", "period_end", "rep_id", "team"), has_id=False,
        orders=(Order("period_start", "period_end"),),
    ),
    Table.COSTS: TableSpec(
        Table.COSTS,
        (
            _c("day", Kind.DATE), _c("period_start", Kind.DATE), _c("period_end", Kind.DATE),
            _c("amount", Kind.MONEY, required=True, nonnegative=True), _c("category"),
            _c("channel", Kind.CHANNEL), _c("campaign"),
        ),
        key=("day", "period_start", "period_end", "category", "channel", "campaign"),
        has_id=False, orders=(Order("period_start", "period_end"),),
    ),
}

# The order in which a multi-table import loads, so that references can be checked.
LOAD_ORDER: tuple[Table, ...] = (
    Table.REPS, Table.CUSTOMERS, Table.OPPORTUNITIES, Table.LEADS, Table.ACTIVITIES,
    Table.RESPONSES, Table.TIME_LOG, Table.QUOTAS, Table.COSTS,
)

# Free attributes and extra rep roles declared in a mapping are extra VARCHAR columns of these
# tables: ``attr_<name>`` and ``rep_<role>`` (a rep_id; ``rep_id`` itself stays the owner).
EXTENSIBLE: tuple[Table, ...] = (Table.LEADS, Table.OPPORTUNITIES, Table.ACTIVITIES,
                                 Table.CUSTOMERS)
ATTRIBUTE_PREFIX = "attr_"
REP_ROLE_PREFIX = "rep_"
OWNER_COLUMN = "rep_id"


def attribute_column(name: str) -> str:
    """The stored column of a free attribute: ``segment`` -> ``attr_segment``."""
    return ATTRIBUTE_PREFIX + name


def rep_role_column(role: str) -> str:
    """The stored column of a rep role: ``sdr`` -> ``rep_sdr``."""
    return REP_ROLE_PREFIX + role


def is_extra_column(name: str) -> bool:
    """Whether a stored column is a declared attribute or rep role, not a canonical one."""
    return name.startswith(ATTRIBUTE_PREFIX) or (
        name.startswith(REP_ROLE_PREFIX) and name != OWNER_COLUMN)


def extended(spec: TableSpec, attributes: Sequence[str] = (),
             roles: Sequence[str] = ()) -> TableSpec:
    """A table's spec with declared attributes (text) and rep roles (rep references) added."""
    if not attributes and not roles:
        return spec
    extra = tuple(Column(attribute_column(a), Kind.TEXT) for a in attributes) + tuple(
        Column(rep_role_column(r), Kind.TEXT, references=Table.REPS) for r in roles)
    return replace(spec, columns=spec.columns + extra)


QUARANTINE_TABLE = "_quarantine"
IMPORTS_TABLE = "_imports"

QUARANTINE_DDL = (
    f'CREATE TABLE IF NOT EXISTS "{QUARANTINE_TABLE}" (import_id VARCHAR, imported_at TIMESTAMP, '
    "target_table VARCHAR, source_file VARCHAR, source_row BIGINT, column_name VARCHAR, "
    "value VARCHAR, reason VARCHAR, reason_code VARCHAR)"
)
IMPORTS_DDL = (
    f'CREATE TABLE IF NOT EXISTS "{IMPORTS_TABLE}" (import_id VARCHAR, started_at TIMESTAMP, '
    "finished_at TIMESTAMP, files VARCHAR, summary VARCHAR, imported_by VARCHAR, changes VARCHAR)"
)
# Columns added since the first release, for stores created before them.
IMPORTS_ADDED = (("imported_by", "VARCHAR"), ("changes", "VARCHAR"))


def table_spec(name: str) -> TableSpec:
    """Look a canonical table up by name, with an error that lists the valid names."""
    try:
        return TABLES[Table(name)]
    except ValueError:
        from salesscope.errors import InputError
        from salesscope.locale import Text

        raise InputError(Text("error.unknown_table", table=name, options=", ".join(t.value for t in Table))) from None


# Store kinds as PostgreSQL and Spark spell them; money stays exact on both.
PG_TYPES: dict[Kind, str] = {
    Kind.TEXT: "text", Kind.TIMESTAMP: "timestamp", Kind.DATE: "date",
    Kind.MONEY: "numeric(18,2)", Kind.NUMBER: "double precision",
    Kind.PROBABILITY: "double precision", Kind.CHANNEL: "text", Kind.STATUS: "text",
    Kind.PURPOSE: "text",
}
SPARK_TYPES: dict[Kind, str] = {
    Kind.TEXT: "string", Kind.TIMESTAMP: "timestamp", Kind.DATE: "date",
    Kind.MONEY: "decimal(18,2)", Kind.NUMBER: "double", Kind.PROBABILITY: "double",
    Kind.CHANNEL: "string", Kind.STATUS: "string", Kind.PURPOSE: "string",
}
