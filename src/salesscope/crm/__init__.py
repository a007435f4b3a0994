"""Read an existing CRM database in place: canonical tables as views over the CRM's own tables."""

from __future__ import annotations

from typing import TYPE_CHECKING

from salesscope.crm.mapping import CrmMapping, load_crm_mapping, view_sql
from salesscope.errors import ConfigError
from salesscope.locale import Text
from salesscope.sqlvalue import scalar

if TYPE_CHECKING:
    import ibis

__all__ = ["CrmMapping", "install_views", "load_crm_mapping", "view_sql"]


def install_views(con: ibis.BaseBackend, mapping: CrmMapping, schema: str | None = None,
                  timezone: str | None = None) -> list[str]:
    """Create (or replace) one view per mapped canonical table and history view in the
    connection's schema.

    The CRM's tables are looked up in the mapping's ``source_schema``; the views go to the schema
    the connection reads (the workspace's ``backend.schema``), so they never mix with the CRM's.
    Timestamps are shown in ``timezone`` (the workspace's) when the mapping names the CRM's own.
    """
    import psycopg

    raw = con.con
    created = []
    with raw.transaction(), raw.cursor() as cur:
        if schema:
            cur.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
        target = schema or scalar(cur.execute("SELECT current_schema()"))
        cur.execute("SELECT set_config('search_path', %s, true)", (f"{mapping.source_schema}",))
        if mapping.version:
            _check_version(cur, mapping)
        for table in [*mapping.tables, *mapping.history]:
            name = str(table)
            try:
                cur.execute(f'DROP VIEW IF EXISTS "{target}"."{name}"')
                cur.execute(f'CREATE VIEW "{target}"."{name}" AS {view_sql(mapping, table, timezone)}')
            except psycopg.Error as e:
                raise ConfigError(Text("error.crm.view_rejected", mapping=mapping.name, table=name,
                                       detail=str(e).strip())) from None
            created.append(name)
    return created


def _check_version(cur, mapping: CrmMapping) -> None:
    """Refuse a CRM database of a version the mapping does not read, naming both."""
    import psycopg

    check = mapping.version
    assert check is not None
    try:
        row = cur.execute(check.query).fetchone()
    except psycopg.Error as e:
        raise ConfigError(Text("error.crm.version_unknown", mapping=mapping.name, product=check.product,
                               detail=str(e).strip())) from None
    found = str(row[0]) if row and row[0] is not None else None
    if found is None or not check.reads(found):
        raise ConfigError(Text("error.crm.version_unsupported", mapping=mapping.name, product=check.product,
                               version=found or "?", supported=", ".join(check.supported)))
