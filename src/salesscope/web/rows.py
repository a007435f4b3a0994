"""Record-level lookups for the dashboard: dimension values and the rows behind a number."""

from __future__ import annotations

from typing import Any

from salesscope.errors import QueryError
from salesscope.vocab import Dimension
from salesscope.web.service import Scope, Service, to_records

DIM_COLUMN = {"rep": "rep_id", "channel": "channel", "campaign": "campaign",
              "product": "product", "segment": "segment"}
DIM_SOURCES = {
    "team": ("reps", "team"), "rep": ("reps", "rep_id"),
    "channel": ("activities", "channel"), "campaign": ("activities", "campaign"),
    "product": ("opportunities", "product"), "segment": ("customers", "segment"),
}
ROW_LIMIT = 500


def _scope_clause(scope: Scope, cols: set[str]) -> tuple[str, list[Any]] | None:
    """SQL restricting a table to a scope; None when its rows cannot be tied to a rep."""
    if scope is None:
        return "TRUE", []
    if "rep_id" not in cols:
        return None
    if "rep" in scope:
        return f"rep_id IN ({', '.join('?' * len(scope['rep']))})", list(scope["rep"])
    teams = scope.get("team", [])
    return (f'rep_id IN (SELECT rep_id FROM "reps" WHERE team IN ({", ".join("?" * len(teams))}))',
            list(teams))


def dimension_values(svc: Service, dim: str, scope: Scope) -> list[str]:
    """Distinct values of one dimension that the user may see."""
    try:
        Dimension(dim)
    except ValueError:
        raise QueryError(f"unknown dimension {dim!r}: expected one of "
                         f"{', '.join(d.value for d in Dimension)}") from None
    table, col = DIM_SOURCES[dim]
    if table not in svc.tables():
        return []
    cols = svc.columns(table)
    clause = _scope_clause(scope, cols | ({"rep_id"} if table == "reps" else set()))
    if clause is None:
        return []
    where, params = clause
    sql = f'SELECT DISTINCT "{col}" FROM "{table}" WHERE "{col}" IS NOT NULL AND {where} ORDER BY 1'
    return svc.cached(("dimvalues", dim, _key(scope)),
                      lambda: [r[0] for r in svc.fetch(sql, params)], scope)


def rows_behind(svc: Service, kpi: str, start: str, end: str, where: dict[str, str],
                scope: Scope) -> dict[str, Any]:
    """The input records of an indicator placed in [start, end], filtered and scoped."""
    catalog = svc.catalog()
    if kpi not in catalog:
        raise QueryError(f"unknown indicator {kpi!r}: expected one of {', '.join(catalog)}")
    present = svc.tables()
    out: dict[str, Any] = {"kpi": kpi, "start": start, "end": end, "tables": []}
    for fact in catalog[kpi].facts:
        table, placed = svc.ws.model.facts[fact].rows_table, svc.ws.model.facts[fact].placed
        entry: dict[str, Any] = {"fact": fact, "table": table, "rows": [], "truncated": False,
                                 "reason": None}
        out["tables"].append(entry)
        if table not in present:
            entry["reason"] = f"missing_input:{table}"
            continue
        cols = svc.columns(table)
        clause = _scope_clause(scope, cols)
        if clause is None:
            entry["reason"] = "not_attributable_to_rep"
            continue
        sql_where = [clause[0], placed.replace("$s", "CAST($start AS DATE)").replace("$e", "CAST($end AS DATE)")]
        params: list[Any] = list(clause[1])
        skip = False
        for dim, value in where.items():
            if dim == "team" and "rep_id" in cols:
                sql_where.append('rep_id IN (SELECT rep_id FROM "reps" WHERE team = ?)')
            elif DIM_COLUMN.get(dim) in cols:
                sql_where.append(f'"{DIM_COLUMN[dim]}" = ?')
            else:
                entry["reason"] = f"no_dimension:{dim}"
                skip = True
                break
            params.append(value)
        if skip:
            continue
        # Named dates and positional filters cannot mix in DuckDB: inline the two ISO dates.
        sql = (f'SELECT * FROM "{table}" WHERE {" AND ".join(sql_where)} ORDER BY 1 LIMIT {ROW_LIMIT + 1}'
               ).replace("$start", f"'{start}'").replace("$end", f"'{end}'")
        df = svc.cached(("rows", sql, tuple(map(str, params))), lambda s=sql, p=params: svc.query(s, p),
                        scope)
        entry["truncated"] = len(df) > ROW_LIMIT
        entry["rows"] = to_records(df.head(ROW_LIMIT))
    return out


def _key(scope: Scope) -> tuple | None:
    return None if scope is None else tuple(sorted((k, tuple(v)) for k, v in scope.items()))
