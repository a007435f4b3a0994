"""Imports restricted to a scope: who a row belongs to, before and after, and the audit of keys.

A scope is the engine's ``{"team": [...]}`` / ``{"rep": [...]}``: a row is inside it when its
rep (and that rep's team) is. An import run with a scope rejects every row that would bring
data into the scope or take it out: the new row must be inside, and so must the stored row it
replaces. Tables that belong to nobody in particular (reps, quotas, costs) are refused whole.
"""

from __future__ import annotations

import duckdb

from salesscope.errors import Forbidden
from salesscope.ingest.messages import Reason, SqlParam, sql_literal, sql_texts
from salesscope.ingest.readers import q
from salesscope.ingest.validate import rejected
from salesscope.locale import Listed, Text
from salesscope.schema import LOAD_ORDER, TABLES, Table
from salesscope.sqlvalue import scalar

Scope = dict[str, list[str]] | None

# Reps decide who is in which team; quotas and costs are company-wide: only an admin imports them.
ADMIN_ONLY = frozenset({Table.REPS, Table.QUOTAS, Table.COSTS})
KEYS_RECORDED = 200  # changed keys kept per table in the audit log; the counts are complete



def check_table(table: Table, scope: Scope, source: str) -> None:
    """Refuse a table that a scoped importer may not write at all."""
    if scope is not None and table in ADMIN_ONLY:
        raise Forbidden(Text("importing.admin_only_table", source=source, table=table.value))


def describe(scope: Scope) -> Listed:
    """The scope in words: ``team North``."""
    return Listed((Text("importing.scope_part", who=Text(f"dim.{k}") if k in ("team", "rep") else k,
                        values=", ".join(v)) for k, v in (scope or {}).items()), "; ")


def _owner(table: Table, alias: str, schema: str) -> tuple[str, str] | None:
    """SQL joins and the rep expression that attribute a row of ``table`` (aliased) to a rep.

    Responses carry no rep: they belong to the rep of the activity they answer, as in the
    engine's facts (a staged activity first, then a stored one).
    """
    if TABLES[table].has("rep_id"):
        return "", f"{alias}.rep_id"
    if table is Table.RESPONSES:
        joins = (f" LEFT JOIN main.activities {alias}_sa ON {alias}_sa.activity_id = "
                 f"{alias}.activity_id")
        if schema == "staged":
            joins += (f" LEFT JOIN (SELECT DISTINCT ON (activity_id) activity_id, rep_id FROM "
                      f"_stg_activities) {alias}_ta ON {alias}_ta.activity_id = {alias}.activity_id")
            return joins, f"coalesce({alias}_ta.rep_id, {alias}_sa.rep_id)"
        return joins, f"{alias}_sa.rep_id"
    return None


def _inside(rep: str, scope: dict[str, list[str]]) -> str:
    """SQL: the rep expression (and its team, from the stored reps) is inside the scope."""
    conds = []
    for key, values in scope.items():
        listed = ", ".join(sql_literal(str(v)) for v in values) or "NULL"
        if key == "rep":
            conds.append(f"{rep} IN ({listed})")
        elif key == "team":
            conds.append(f"{rep} IN (SELECT rep_id FROM main.reps WHERE team IN ({listed}))")
        else:
            conds.append("FALSE")  # a scope on something rows do not carry: nothing is inside
    return "coalesce(" + " AND ".join(conds) + ", FALSE)"


def reject_outside(con: duckdb.DuckDBPyConnection, tables: list[Table], scope: Scope) -> None:
    """Record in ``_rej`` every staged row that is outside the scope, replaces a stored row that
    is, or refers to a stored row that is (an activity on another team's deal changes that
    deal's figures); rejected rows leave the staging tables."""
    if scope is None:
        return
    from salesscope.ingest.validate import drop_rejected

    words = describe(scope)
    params: dict[str, SqlParam] = {"scope": lambda lang: sql_literal(words(lang))}
    order = [t for t in LOAD_ORDER if t in tables]  # activities before the responses they own
    for table in order:
        check_table(table, scope, table.value)
        _reject_own_rows(con, table, scope, params, staged_activities=Table.ACTIVITIES in order)
        drop_rejected(con, table)
    for table in order:
        _reject_references(con, table, scope, params, {t.value for t in order})
    for table in order:
        drop_rejected(con, table)


def _insert_rej(con: duckdb.DuckDBPyConnection, table: Table, col: str, value: str,
                reason: Reason, params: dict[str, SqlParam], source: str) -> None:
    con.execute(
        f"INSERT INTO _rej SELECT s.__src, {sql_literal(table.value)}, s.__row, {sql_literal(col)},"
        f" {value}, {sql_literal(reason)}, {sql_texts(reason, **params)} {source}")


def _reject_own_rows(con: duckdb.DuckDBPyConnection, table: Table, scope: dict[str, list[str]],
                     params: dict[str, SqlParam], *, staged_activities: bool) -> None:
    owner = _owner(table, "s", "staged" if staged_activities else "stored")
    if owner is None:
        raise Forbidden(Text("importing.admin_only_table", source=table.value, table=table.value))
    joins, rep = owner
    _insert_rej(con, table, "rep_id", rep, Reason.OUTSIDE_SCOPE,
                {**params, "value": f"coalesce({rep}, '-')"},
                f"FROM _stg_{table.value} s{joins} WHERE NOT {_inside(rep, scope)}")
    # Reps credited besides the owner (rep_<role>) are inside the scope too: a deal of ours may
    # not name another team's rep, whose figures it would then count in.
    for (col,) in con.execute(f"SELECT name FROM pragma_table_info('_stg_{table.value}') "
                              "WHERE name LIKE 'rep\\_%' ESCAPE '\\' AND name <> 'rep_id'").fetchall():
        c = f"s.{q(col)}"
        _insert_rej(con, table, col, c, Reason.OUTSIDE_SCOPE, {**params, "value": c},
                    f"FROM _stg_{table.value} s WHERE {c} IS NOT NULL AND NOT {_inside(c, scope)}")
    spec = TABLES[table]
    if not spec.has_id:
        return  # the key holds the rep: the row it replaces has the same owner
    key = q(spec.key[0])
    stored_owner = _owner(table, "o", "stored")
    assert stored_owner is not None, "the same table as the staged rows' owner above"
    old_joins, old_rep = stored_owner
    _insert_rej(con, table, spec.key[0], f"s.{key}", Reason.STORED_OUTSIDE_SCOPE,
                {**params, "key": sql_literal(spec.key[0]), "value": f"s.{key}"},
                f"FROM _stg_{table.value} s JOIN main.{q(table.value)} o ON o.{key} = s.{key}"
                f"{old_joins} WHERE NOT {_inside(old_rep, scope)}")


def _reject_references(con: duckdb.DuckDBPyConnection, table: Table, scope: dict[str, list[str]],
                       params: dict[str, SqlParam], staged: set[str]) -> None:
    """A reference to a row staged here is fine (it passed); to a stored row, that row's owner
    must be inside the scope."""
    for col in TABLES[table].columns:
        target = col.references
        if target is None or target is Table.REPS:
            continue
        owner = _owner(target, "o", "stored")
        if owner is None:
            continue
        joins, rep = owner
        c, tkey = q(col.name), q(TABLES[target].key[0])
        here = (f"AND NOT EXISTS (SELECT 1 FROM _stg_{target.value} x WHERE x.{tkey} = s.{c})"
                if target.value in staged else "")
        _insert_rej(con, table, col.name, f"s.{c}", Reason.REFERENCE_OUTSIDE_SCOPE,
                    {**params, "target": sql_literal(target.value), "value": f"s.{c}"},
                    f"FROM _stg_{table.value} s JOIN main.{q(target.value)} o ON o.{tkey} = s.{c}"
                    f"{joins} WHERE NOT {_inside(rep, scope)} {here}")


def changed_keys(con: duckdb.DuckDBPyConnection, table: Table) -> dict[str, object]:
    """Before loading: how many staged rows add a key and how many replace a stored one, with
    the first replaced and added keys (for the audit log)."""
    spec = TABLES[table]
    stg, target = f"_stg_{table.value}", f"main.{q(table.value)}"
    shown = (f"CAST(s.{q(spec.key[0])} AS VARCHAR)" if len(spec.key) == 1 else
             "'(' || " + " || ', ' || ".join(f"coalesce(CAST(s.{q(k)} AS VARCHAR), '')"
                                             for k in spec.key) + " || ')'")
    same = " AND ".join(f"t.{q(k)} IS NOT DISTINCT FROM s.{q(k)}" for k in spec.key)
    # One pass: counted and the first keys kept per kind, without copying every key; into an
    # empty table (a first import) nothing is replaced.
    replaced = (f"EXISTS (SELECT 1 FROM {target} t WHERE {same})"
                if scalar(con.execute(f"SELECT count(*) FROM {target}")) else "FALSE")
    found = {r[0]: (r[1], r[2] or []) for r in con.execute(
        f"SELECT replaced, count(*), min(k, {KEYS_RECORDED}) FROM (SELECT {shown} AS k, {replaced} "
        f"AS replaced FROM {stg} s WHERE (s.__src, s.__row) NOT IN ({rejected(table)})) "
        "GROUP BY replaced").fetchall()}
    out: dict[str, object] = {}
    for label, flag in (("replaced", True), ("added", False)):
        out[label], out[f"{label}_keys"] = found.get(flag, (0, []))
    return out
