"""Turn one source (file or sheet) into a typed table for one canonical table.

The result holds, per mapped column ``c``: ``r_c`` (the value as the user wrote it: text, or
the stored value of a typed Parquet column, rendered only for messages), ``c`` (the typed value)
and ``x_c`` (a reason code when the value cannot be used, else NULL); Jalali problems also carry
their detail in every language (:func:`jalali_problem`). A plain text column is its own ``r_c``, and a column that
cannot fail has no ``x_c``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa

from salesscope import locale
from salesscope.errors import InputError
from salesscope.ingest import parse, readers
from salesscope.ingest.mapping import ColumnMap, Lookup, Mapping, TableMap, WhenTest, header_key
from salesscope.ingest.messages import Reason, column_purpose, purpose, say
from salesscope.ingest.messages import sql_literal as lit
from salesscope.ingest.native import NUMERIC, TEMPORAL, dates_safe, reads_natively, value_sql
from salesscope.ingest.readers import Source, q
from salesscope.locale import Digits, Text
from salesscope.schema import Column, Kind, Table, TableSpec
from salesscope.vocab import normalise_channel

__all__ = ["NUMERIC", "TEMPORAL", "ColumnInfo", "Typed", "build_typed"]

UNKNOWN_SHOWN = 10  # values read with a mapping's ``otherwise`` named in its warning



@dataclass
class ColumnInfo:
    """How one mapped column was parsed, for the error texts built later."""

    name: str
    kind: Kind
    fmt: str | list[str] | None = None
    jalali: bool = False
    native: str | None = None  # the stored type of a typed source column read as such
    raw: str = ""  # SQL giving the value as the user wrote it, as text
    can_fail: bool = True  # whether the column has an x_ (reason code) column
    source: str = ""  # the source column(s) it comes from, as messages name them
    marked: bool = False  # its source cells may hold workbook errors (readers.CELL_ERROR)
    decimal: str | None = None  # a number column's decimal separator; None: read from the data
    mixed_percent: bool = False  # a probability column holding both fractions and percents
    otherwise: str | None = None  # the status or purpose of values the vocabulary does not know


@dataclass
class Typed:
    """A typed temporary table for one (source, canonical table) pair."""

    relation: str
    table: Table
    source: Source
    spec: TableSpec
    columns: dict[str, ColumnInfo] = field(default_factory=dict)
    read: int = 0
    view: bool = False  # a view computed on each scan rather than a table
    notes: list[Text] = field(default_factory=list)  # warnings about what was read


class _Headers:
    """Find a source column by its exact name, else case- and spacing-insensitively."""

    def __init__(self, src: Source) -> None:
        self.src = src
        self.exact = set(src.headers)
        self.by_key = {header_key(h): h for h in src.headers}

    def find(self, name: str) -> str | None:
        return name if name in self.exact else self.by_key.get(header_key(name))

    def text(self, header: str) -> str:
        return self.src.text(header)

    def missing(self, name: str, target: Text | str, why: Text | None) -> InputError:
        """A source column the mapping reads and the file lacks; ``why`` if it is required."""
        found = ", ".join(repr(h) for h in self.src.headers)
        if why is None:
            message = say("missing_optional_column", file=self.src.label, column=name, target=target,
                          headers=found)
        else:
            message = say("missing_column", file=self.src.label, column=name, target=target, why=why,
                          headers=found)
        return InputError(message, file=self.src.label, column=name)


def arabic_letters_to_persian(text: str) -> str:
    """Arabic yeh and kaf (as Windows-1256 and Arabic keyboards write them) to Persian ones."""
    return text.replace("ي", "ی").replace("ك", "ک").replace("ى", "ی")


def _text(expr: str) -> str:
    return f"nullif(trim(CAST({expr} AS VARCHAR)), '')"


@dataclass
class _Target:
    """The stored column a mapped column fills, as missing-column messages explain it."""

    table: Table
    name: str
    required: bool

    @property
    def where(self) -> str:
        return f"{self.table.value}.{self.name}"

    @property
    def why(self) -> Text | None:
        return column_purpose(self.table, self.name) if self.required else None


# Separator of a composite key's parts; a part's own separators and escapes are escaped, so
# different parts never give the same key ("1|23" and "12|3").
PART_SEP = "|"


def _part_sql(expr: str) -> str:
    return (f"coalesce(replace(replace({_text(expr)}, '\\', '\\\\'), {lit(PART_SEP)}, "
            f"{lit(chr(92) + PART_SEP)}), '')")


class _Lookups:
    """Joins that bring a value from another file of the import, found by key."""

    def __init__(self, resolve: Callable[[str, str], Source] | None) -> None:
        self.resolve = resolve
        self.joins: list[str] = []
        self.marked: set[str] = set()  # target columns whose looked-up cells may hold errors
        self.described: dict[str, str] = {}  # target column -> the file and column it reads

    def value_sql(self, lk: Lookup, hs: _Headers, target: _Target) -> str:
        key = hs.find(lk.key_column)
        if key is None:
            raise hs.missing(lk.key_column, target.where, target.why)
        if self.resolve is None:
            raise InputError(say("lookup_without_file", target=target.where, pattern=lk.file))
        other = self.resolve(lk.file, target.where)
        ohs = _Headers(other)
        found = {}
        for name in (lk.where, lk.take):
            h = ohs.find(name)
            if h is None:
                raise ohs.missing(name, target.where, target.why)
            found[name] = h
        w, t = found[lk.where], found[lk.take]
        if t in other.marked:
            self.marked.add(target.name)
        self.described[target.name] = f"{t} ({other.label})"
        alias = f"__lk{len(self.joins)}"
        value = _text(other.text(t))
        # The first non-empty value per key, in file order.
        self.joins.append(
            f"LEFT JOIN (SELECT {_text(other.text(w))} AS {alias}_k, arg_min({value}, __row) "
            f"FILTER (WHERE {value} IS NOT NULL) AS {alias}_v FROM {other.relation} GROUP BY 1) "
            f"AS {alias} ON {alias}.{alias}_k = {_text(hs.text(key))}")
        return f"{alias}.{alias}_v"


def _raw_sql(col: ColumnMap, hs: _Headers, target: _Target, lookups: _Lookups) -> str | None:
    """The source text of a column, or None when an optional source is absent."""
    if col.value is not None:
        expr = lit(str(col.value))
    elif col.row_number:
        expr = f"{lit(hs.src.label + ':')} || __row"
    elif col.lookup is not None:
        expr = lookups.value_sql(col.lookup, hs, target)
    elif col.template is not None or col.parts is not None:
        names = col.sources
        found = {n: hs.find(n) for n in names}
        absent = [n for n, h in found.items() if h is None]
        if absent and not col.optional:
            raise hs.missing(absent[0], target.where, target.why)
        if len(absent) == len(names):
            return None
        if col.parts is not None:
            parts = [_part_sql(hs.text(h)) if h else "''" for h in found.values()]
            present = [_text(hs.text(h)) for h in found.values() if h]
            # No part at all is no key (a missing value), not the key "|".
            expr = (f"CASE WHEN coalesce({', '.join(present)}) IS NULL THEN NULL ELSE "
                    f"{f' || {lit(PART_SEP)} || '.join(parts)} END")
        else:
            pieces: list[str] = []
            rest = col.template or ""
            while "{" in rest:
                before, _, after = rest.partition("{")
                name, _, rest = after.partition("}")
                h = found[name]
                # An optional template reads a missing column as empty text.
                pieces += [lit(before), f"coalesce(trim({hs.text(h)}), '')" if h else "''"]
            pieces.append(lit(rest))
            expr = " || ".join(pieces)
    else:
        names = col.sources
        hs_found = [h for h in (hs.find(n) for n in names) if h is not None]
        if not hs_found:
            if col.optional:
                return None
            raise hs.missing(names[0], target.where, target.why)
        expr = q(hs_found[0]) if len(hs_found) == 1 else "coalesce(" + ", ".join(
            _text(q(h)) for h in hs_found) + ")"
    if col.default is not None:
        expr = f"coalesce({_text(expr)}, {lit(col.default)})"
    return _text(expr)


def _described(col: ColumnMap, hs: _Headers) -> str:
    """How messages name where a column's values come from: of the source columns of a list or
    a template, the ones this file has."""
    if col.from_ is None and col.template is None:
        return col.describe()
    found = [h for h in (hs.find(n) for n in col.sources) if h is not None]
    return " / ".join(found) or col.describe()


def _marked(col: ColumnMap, hs: _Headers) -> bool:
    """Whether a column reads source cells that may hold workbook errors."""
    return any(h in hs.src.marked for h in (hs.find(n) for n in col.sources) if h is not None)


def _when_sql(when: dict[str, str | list[str] | WhenTest], hs: _Headers, table: Table) -> str:
    conds = ["TRUE"]
    for name, test in when.items():
        h = hs.find(name)
        if h is None:
            raise hs.missing(name, say("the_when_of", table=table.value), purpose("when"))
        v = f"lower(trim(CAST({q(h)} AS VARCHAR)))"
        if isinstance(test, str | list):
            test = WhenTest(in_=[test] if isinstance(test, str) else test)
        if test.in_ is not None:
            conds.append(f"coalesce({v} IN ({', '.join(lit(s.lower()) for s in test.in_)}), FALSE)")
        if test.not_in is not None:
            conds.append(f"coalesce({v} NOT IN ({', '.join(lit(s.lower()) for s in test.not_in)}),"
                         " TRUE)")
        if test.empty is not None:
            conds.append(f"({'' if test.empty else 'NOT '}coalesce({v}, '') = '')")
    return " AND ".join(conds)


def _native_source(col: ColumnMap, hs: _Headers, kind: Kind,
                   mapping: Mapping | None) -> str | None:
    """The typed source column a canonical column reads as stored, else None (parsed as text)."""
    if col.from_ is None or col.default is not None or col.values:
        return None
    found = [h for h in (hs.find(n) for n in col.sources) if h is not None]
    if len(found) != 1 or found[0] not in hs.src.types:
        return None
    return found[0] if reads_natively(hs.src.types[found[0]], kind, col, mapping) else None


def build_typed(con: duckdb.DuckDBPyConnection, src: Source, table: Table, tm: TableMap,
                mapping: Mapping | None, tz: str, tag: str,
                resolve: Callable[[str, str], Source] | None = None) -> Typed:
    """Parse one source into a typed temporary table ``_typed_<tag>`` for ``table``.

    ``resolve(pattern, target)`` finds the other source a lookup reads.
    """
    spec = tm.spec(table)
    hs = _Headers(src)
    out = Typed(f"_typed_{tag}", table, src, spec)
    columns = tm.stored_columns()
    # Enriching rows updates some columns of stored ones: only the key is required.
    required = [spec.key[0]] if tm.enrich else spec.required
    targets = {n: _Target(table, n, n in required) for n in columns}
    lookups = _Lookups(resolve)
    raws: dict[str, str] = {}
    natives: dict[str, str] = {}
    for name, col in columns.items():
        h = _native_source(col, hs, spec.column(name).kind, mapping)
        if h is not None:
            natives[name] = h
            continue
        raw = _raw_sql(col, hs, targets[name], lookups)
        if raw is not None:
            raws[name] = raw
    dates = [h for n, h in natives.items() if spec.column(n).kind in TEMPORAL]
    safe = dates_safe(con, src.relation, dates)
    for name, h in list(natives.items()):
        if spec.column(name).kind in TEMPORAL and h not in safe:
            del natives[name]
            raw = _raw_sql(columns[name], hs, targets[name], lookups)
            if raw is not None:  # always: the column's source is there, it was read natively
                raws[name] = raw
    names = [n for n in columns if n in raws or n in natives]
    for req in required:
        if req not in names:
            name = columns[req].sources[0] if req in columns and columns[req].sources else req
            raise hs.missing(name, f"{table.value}.{req}", column_purpose(table, req))
    raw_items = ", ".join(f"{raws[n] if n in raws else q(natives[n])} AS {q('r_' + n)}"
                          for n in names)
    l1 = (f"SELECT __row{', ' if raw_items else ''}{raw_items} FROM {src.relation} "
          f"{' '.join(lookups.joins)} WHERE {_when_sql(tm.when, hs, table)}")

    # Mapped text (values:) and cleaned text per text column; a typed column is its own.
    m_exprs: dict[str, str] = {}
    t_exprs: dict[str, str] = {}
    for name in names:
        col, kind = columns[name], spec.column(name).kind
        info = ColumnInfo(name, kind, mapping.date_format(col) if mapping else None,
                          source=lookups.described.get(name) or _described(col, hs),
                          marked=_marked(col, hs) or name in lookups.marked)
        info.can_fail = (targets[name].required or info.marked
                         or kind not in (Kind.TEXT, Kind.CHANNEL))
        info.otherwise = col.otherwise
        out.columns[name] = info
        if name in natives:
            info.native = src.types[natives[name]]
            info.raw = f"CAST({q('r_' + name)} AS VARCHAR)"
            continue
        info.raw = q(name) if kind is Kind.TEXT and not col.values else q("r_" + name)
        if info.marked:
            info.raw = readers.unmarked_sql(q("r_" + name))
        m = q("r_" + name)
        if col.values:
            m = parse.value_map_sql(m, col.values)
        if col.template is not None:
            # A template whose parts are all empty is a missing value, not the text "||".
            m = f"(CASE WHEN {_shown_sql(col, q('r_' + name))} = '' THEN NULL ELSE {m} END)"
        m_exprs[name] = m
        if kind in TEMPORAL:
            t_exprs[name] = f"trim({parse.digits_sql(m)})"
            if col.year is not None:
                # A format without a year: the declared year is appended to value and format.
                t_exprs[name] = f"({t_exprs[name]} || ' {col.year:04d}')"
                info.fmt = [p + " %Y" for p in parse.date_patterns(info.fmt)]
        elif kind in NUMERIC:
            t_exprs[name] = parse.number_clean_sql(m)
            info.decimal = mapping.decimal(col) if mapping else None
    # Computed once per row in a subquery, then referred to by name.
    cols2 = [f"{e} AS {q('m_' + n)}" for n, e in m_exprs.items()]
    cols2 += [f"{e} AS {q('t_' + n)}" for n, e in t_exprs.items()]
    l2 = f"SELECT *{', ' if cols2 else ''}{', '.join(cols2)} FROM ({l1})"
    m_exprs = {n: q("m_" + n) for n in m_exprs} | {n: q("r_" + n) for n in natives}
    t_exprs = {n: q("t_" + n) for n in t_exprs}

    # One pre-scan gathers what Python must see: distinct Jalali dates and channel labels,
    # and whether a probability column is in percent.
    aggs = ["count(*)"]
    slots: list[tuple[str, str]] = []
    for name, info in out.columns.items():
        if info.kind in TEMPORAL and info.native is None:
            jk = parse.jalali_key_sql(t_exprs[name])
            aggs.append(f"list(DISTINCT {jk}) FILTER (WHERE {jk} <> '')")
            slots.append(("jalali", name))
        elif info.kind is Kind.CHANNEL:
            aggs.append(f"list(DISTINCT {m_exprs[name]})")
            slots.append(("channel", name))
        elif info.kind is Kind.PROBABILITY and info.native is not None:
            v = _plain_number_sql(info, m_exprs[name])
            aggs.append(f"coalesce(max({v}) > 1, FALSE)")
            slots.append(("percent", name))
            aggs.append(f"coalesce(bool_or({v} > 0 AND {v} < 1), FALSE)")
            slots.append(("fraction", name))
        if info.otherwise is not None:
            m = m_exprs[name]
            unknown = f"{m} IS NOT NULL AND {_vocabulary_sql(info.kind, m)} IS NULL"
            aggs.append(f"count(*) FILTER (WHERE {unknown})")
            slots.append(("unknown", name))
            shown = _shown_sql(tm.stored_columns()[name], m)
            aggs.append(f"list(DISTINCT {shown} ORDER BY {shown}) FILTER (WHERE {unknown})")
            slots.append(("unknown_values", name))
        if info.kind in NUMERIC and info.native is None and info.decimal is None:
            aggs.append(parse.decimal_comma_column_sql(t_exprs[name]))
            slots.append(("decimal", name))
        if info.kind is Kind.PROBABILITY and info.native is None:
            v = _plain_number_sql(info, m_exprs[name])
            sign = _percent_sign_sql(m_exprs[name])
            aggs.append(f"coalesce(max({v}) > 1 OR bool_or({sign}), FALSE)")
            slots.append(("percent", name))
            # A fraction such as 0.3 beside percents such as 50 reads as 0.3% or as 30%.
            aggs.append(f"coalesce(bool_or({v} > 0 AND {v} < 1 AND NOT {sign}), FALSE)")
            slots.append(("fraction", name))
    scan = con.execute(f"SELECT {', '.join(aggs)} FROM ({l2})").fetchone()
    assert scan is not None
    out.read = scan[0]
    joins: list[str] = []
    percent: dict[str, bool] = {}
    unknown_rows = 0
    for (what, name), value in zip(slots, scan[1:], strict=True):
        if what == "jalali" and value:
            langs = locale.languages()
            rows = []
            for k in value:
                iso, problem = parse.jalali_to_iso(k)
                rows.append((k, iso, *(problem(lang) if problem else None for lang in langs)))
            _lookup(con, f"_jal_{tag}_{name}", ["k", "iso", *(f"e_{lang}" for lang in langs)], rows)
            joins.append(f"LEFT JOIN _jal_{tag}_{name} AS {q('j_' + name)} ON "
                         f"{q('j_' + name)}.k = {parse.jalali_key_sql(t_exprs[name])}")
            out.columns[name].jalali = True
        elif what == "channel":
            pairs = [(k, str(normalise_channel(arabic_letters_to_persian(k))))
                     for k in (value or []) if k is not None]
            _lookup(con, f"_ch_{tag}_{name}", ["k", "ch"], pairs)
            joins.append(f"LEFT JOIN _ch_{tag}_{name} AS {q('c_' + name)} ON "
                         f"{q('c_' + name)}.k = {m_exprs[name]}")
        elif what == "percent":
            scale = tm.columns[name].scale or "auto"
            percent[name] = scale == "percent" or (scale == "auto" and bool(value))
        elif what == "fraction":
            scale = tm.columns[name].scale or "auto"
            out.columns[name].mixed_percent = scale == "auto" and percent[name] and bool(value)
        elif what == "decimal":
            out.columns[name].decimal = "," if value else "auto"
        elif what == "unknown":
            unknown_rows = value
        elif what == "unknown_values" and unknown_rows:
            info = out.columns[name]
            shown = ", ".join(repr(v) for v in value[:UNKNOWN_SHOWN])
            more = f", ... ({len(value)})" if len(value) > UNKNOWN_SHOWN else ""
            value_word = (Text(f"deal_status.{info.otherwise}") if info.kind is Kind.STATUS
                          else info.otherwise)
            out.notes.append(say("read_as_otherwise", file=src.label, column=info.source,
                                 target=f"{table.value}.{name}", n=Digits(unknown_rows),
                                 values=shown + more, value=value_word))

    inner = ["L.__row"]
    for name, info in out.columns.items():
        m, t = m_exprs[name], t_exprs.get(name)
        if info.native is not None:
            typed = value_sql(info.kind, info.native, f"L.{m}", tz, percent.get(name, False))
            if info.mixed_percent:
                typed = _unless_ambiguous_fraction(info, f"L.{m}", typed)
            inner += [f"L.{m}", f"{typed} AS {q(name)}"]
            continue
        typed = _typed_sql(info, m, t, tz, percent.get(name, False))
        inner += [f"L.{q('r_' + name)}", f"L.{q('m_' + name)}", f"{typed} AS {q(name)}"]
        if info.jalali:
            inner += [f"{q('j_' + name)}.{q('e_' + lang)} AS {jalali_problem(name, lang)}"
                      for lang in locale.languages()]
        if info.kind in TEMPORAL:
            inner.append(f"L.{q('t_' + name)}")
    outer = ["__row"]
    for name, info in out.columns.items():
        if info.raw != q(name):
            outer.append(q("r_" + name))
        outer.append(q(name))
        if info.can_fail:
            outer.append(f"{_problem_sql(spec.column(name), info, m_exprs[name], targets[name].required)} AS "
                         f"{q('x_' + name)}")
        if info.jalali:
            outer += [jalali_problem(name, lang) for lang in locale.languages()]
    # Text parsed into dates and numbers is worth keeping; anything else is cheaper to
    # compute again on the two scans that follow (problems, then staging) than to copy.
    out.view = not any(n in t_exprs for n in out.columns)
    con.execute(f"CREATE TEMP {'VIEW' if out.view else 'TABLE'} {out.relation} AS SELECT "
                f"{', '.join(outer)} FROM (SELECT {', '.join(inner)} FROM ({l2}) AS L "
                f"{' '.join(joins)})")
    return out


def jalali_problem(name: str, lang: str) -> str:
    """The column saying, in ``lang``, what is wrong with column ``name``'s Jalali date."""
    return q(f"je_{lang}_{name}")


def _typed_sql(info: ColumnInfo, m: str, t: str | None, tz: str, percent: bool) -> str:
    """The typed value of a column from its mapped text ``m`` and cleaned text ``t``."""
    match info.kind:
        case Kind.TIMESTAMP | Kind.DATE:
            assert t is not None
            src = t
            if info.jalali:
                j = q("j_" + info.name)
                src = (f"(CASE WHEN {j}.iso IS NOT NULL THEN {j}.iso || "
                       f"substr({t}, length({j}.k) + 1) ELSE {t} END)")
            ts = parse.timestamp_sql(src, tz, info.fmt)
            if info.jalali:
                problem = f"{q('j_' + info.name)}.{q('e_' + locale.DEFAULT)}"
                ts = f"(CASE WHEN {problem} IS NOT NULL THEN NULL ELSE {ts} END)"
            return f"CAST({ts} AS DATE)" if info.kind is Kind.DATE else ts
        case Kind.MONEY:
            assert t is not None
            return f"TRY_CAST({parse.separators_sql(t, info.decimal or 'auto')} AS DECIMAL(18,2))"
        case Kind.NUMBER:
            assert t is not None
            return f"TRY_CAST({parse.separators_sql(t, info.decimal or 'auto')} AS DOUBLE)"
        case Kind.PROBABILITY:
            assert t is not None
            v = f"TRY_CAST({parse.separators_sql(t, info.decimal or 'auto')} AS DOUBLE)"
            if info.mixed_percent:
                return _unless_ambiguous_fraction(info, m, f"({v} / 100.0)")
            return f"({v} / 100.0)" if percent else v
        case Kind.CHANNEL:
            return f"{q('c_' + info.name)}.ch"
        case Kind.STATUS | Kind.PURPOSE if info.otherwise is not None:
            return (f"(CASE WHEN {m} IS NULL THEN NULL ELSE coalesce("
                    f"{_vocabulary_sql(info.kind, m)}, {lit(info.otherwise)}) END)")
        case Kind.STATUS | Kind.PURPOSE:
            return _vocabulary_sql(info.kind, m)
        case Kind.TEXT:
            return m


def _shown_sql(col: ColumnMap, m: str) -> str:
    """A mapped value as a warning shows it: a template's value without the separators its
    empty parts leave at either end (``||Verbal commit`` is ``Verbal commit``)."""
    if col.template is None:
        return m
    literals = "".join(sorted({c for c in re.sub(r"\{[^{}]*\}", "", col.template)
                               if not c.isalnum()}))
    return f"trim({m}, {lit(literals)})" if literals else m


def _vocabulary_sql(kind: Kind, m: str) -> str:
    """A status or purpose from its mapped text ``m``; NULL when the vocabulary does not know it."""
    synonyms = parse.STATUS_SYNONYMS if kind is Kind.STATUS else parse.PURPOSE_SYNONYMS
    return parse.vocabulary_sql(m, synonyms)


def _problem_sql(column: Column, info: ColumnInfo, m: str, required: bool) -> str:
    """The reason code of a value that cannot be used, else NULL; ``m`` is its mapped value."""
    name = info.name
    c = q(name)
    missing = lit(Reason.MISSING_VALUE) if required else "NULL"
    match info.kind:
        case Kind.TIMESTAMP | Kind.DATE if info.native is not None:
            fail = lit(Reason.BAD_DATE)
        case Kind.TIMESTAMP | Kind.DATE:
            auto = not parse.date_patterns(info.fmt)
            whens = []
            if info.jalali:
                whens.append(f"WHEN {jalali_problem(name, locale.DEFAULT)} IS NOT NULL THEN "
                             f"{lit(Reason.BAD_JALALI_DATE)}")
            if auto:
                whens.append(f"WHEN regexp_matches({q('t_' + name)}, {lit(parse.SLASHED_RE)}) "
                             f"THEN {lit(Reason.AMBIGUOUS_DATE)}")
            fail = (f"CASE {' '.join(whens)} ELSE {lit(Reason.BAD_DATE)} END" if whens
                    else lit(Reason.BAD_DATE))
        case Kind.PROBABILITY if info.mixed_percent:
            fail = (f"CASE WHEN {_ambiguous_fraction_sql(info, m)} "
                    f"THEN {lit(Reason.AMBIGUOUS_PROBABILITY)} ELSE {lit(Reason.BAD_NUMBER)} END")
        case Kind.MONEY | Kind.NUMBER | Kind.PROBABILITY:
            fail = lit(Reason.BAD_NUMBER)
        case Kind.STATUS:
            fail = lit(Reason.UNKNOWN_STATUS)
        case Kind.PURPOSE:
            fail = lit(Reason.UNKNOWN_PURPOSE)
        case Kind.TEXT | Kind.CHANNEL:
            fail = "NULL"
    sql = "CASE "
    if info.marked:
        r = q("r_" + name)
        sql += (f"WHEN contains({r}, {lit(readers.CELL_ERROR)}) THEN {lit(Reason.CELL_ERROR)} "
                f"WHEN contains({r}, {lit(readers.NO_VALUE)}) "
                f"THEN {lit(Reason.FORMULA_WITHOUT_VALUE)} ")
    sql += f"WHEN {m} IS NULL THEN {missing} WHEN {c} IS NULL THEN {fail} "
    if column.nonnegative:
        sql += f"WHEN {c} < 0 THEN {lit(Reason.NEGATIVE)} "
    if info.kind is Kind.PROBABILITY:
        sql += f"WHEN {c} < 0 OR {c} > 1 THEN {lit(Reason.PROBABILITY_RANGE)} "
    return sql + "END"


def _plain_number_sql(info: ColumnInfo, m: str) -> str:
    """A number column's value before any percent scaling, from its mapped value ``m``."""
    if info.native is not None:
        return f"TRY_CAST({m} AS DOUBLE)"
    return f"TRY_CAST({parse.separators_sql(parse.number_clean_sql(m), info.decimal or 'auto')} AS DOUBLE)"


def _percent_sign_sql(m: str) -> str:
    return f"(contains({m}, '%') OR contains({m}, '٪'))"


def _ambiguous_fraction_sql(info: ColumnInfo, m: str) -> str:
    """Whether a probability is an unmarked fraction in a column of percents (0.3 beside 50)."""
    v = _plain_number_sql(info, m)
    marked = "FALSE" if info.native is not None else _percent_sign_sql(m)
    return f"({v} > 0 AND {v} < 1 AND NOT {marked})"


def _unless_ambiguous_fraction(info: ColumnInfo, m: str, typed: str) -> str:
    """``typed``, or NULL (rejected with a reason) for a value that reads as 0.3% or as 30%."""
    return f"(CASE WHEN {_ambiguous_fraction_sql(info, m)} THEN NULL ELSE {typed} END)"


def _lookup(con: duckdb.DuckDBPyConnection, name: str, cols: list[str],
            rows: Sequence[tuple[str | None, ...]]) -> None:
    """A small temporary lookup table built from Python values."""
    arrays = [pa.array([r[i] for r in rows], type=pa.string()) for i in range(len(cols))]
    con.register(f"{name}_arrow", pa.Table.from_arrays(arrays, names=cols))
    con.execute(f"CREATE TEMP TABLE {name} AS SELECT * FROM {name}_arrow")
    con.unregister(f"{name}_arrow")
