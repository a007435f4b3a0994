"""Dimensions as data: besides the built-in ones (team, rep, channel, campaign, product,
segment), a breakdown may name the source's own channel label (``channel_label``), a free
attribute declared in a mapping (``segment_size`` for the column ``attr_segment_size``) or a rep
role (``rep_sdr``). Which of them exist is read from the store's columns, table by table.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from salesscope.engine.catalog import Catalog
from salesscope.errors import QueryError
from salesscope.locale import Text
from salesscope.schema import (
    ATTRIBUTE_PREFIX,
    OWNER_COLUMN,
    REP_ROLE_PREFIX,
    Table,
    attribute_column,
)
from salesscope.vocab import Dimension

CHANNEL_LABEL = "channel_label"


def extra_dims(columns: Iterable[str]) -> dict[str, str]:
    """The extra dimensions a table's columns offer: dimension name -> stored column."""
    out: dict[str, str] = {}
    for c in columns:
        if c == CHANNEL_LABEL:
            out[c] = c
        elif c.startswith(ATTRIBUTE_PREFIX):
            out[c[len(ATTRIBUTE_PREFIX):]] = c
        elif c.startswith(REP_ROLE_PREFIX) and c != OWNER_COLUMN:
            out[c] = c
    return out


def stored_column(dim: str) -> str:
    """The column a dimension reads in a canonical table (rep and team: the owner's rep_id)."""
    if dim in (Dimension.REP, Dimension.TEAM):
        return OWNER_COLUMN
    if dim in {d.value for d in Dimension} or dim == CHANNEL_LABEL or dim.startswith(REP_ROLE_PREFIX):
        return dim
    return attribute_column(dim)


def store_columns(backend, tables: Iterable[Table] = tuple(Table), *,
                  catalog: Catalog | None = None) -> dict[str, tuple[str, ...]]:
    """The stored columns of each canonical table present in the store."""
    catalog = catalog or Catalog(backend)
    return {t.value: tuple(catalog.table(t.value).columns) for t in tables if t.value in catalog.names}


def available(columns: Mapping[str, Iterable[str]]) -> list[str]:
    """Every dimension a breakdown may name in this store: built-in ones first, then the rest."""
    extra = sorted({d for cols in columns.values() for d in extra_dims(cols)})
    return [d.value for d in Dimension] + [d for d in extra if d not in {x.value for x in Dimension}]


def check(names: Iterable[str], backend) -> None:
    """Refuse a dimension name (from a zoom's breakdown or filters) that is neither built in nor
    declared by the store's data, naming the choices."""
    builtin = {d.value for d in Dimension}
    unknown = [str(n) for n in names if str(n) not in builtin]
    if not unknown:
        return
    options = available(store_columns(backend))
    for name in unknown:
        if name not in options:
            raise QueryError(Text("error.zoom.bad_choice", what=Text("error.zoom.what.dimension"), value=name,
                                  options=", ".join(options)))
