"""Read export files into DuckDB as all-text relations with a source row number.

Every reader yields :class:`Source` objects: a temporary relation whose columns are the file's
headers (all VARCHAR) plus ``__row``, the number a user would look up in the file:

* CSV, TSV and XLSX: the spreadsheet row, header = row 1, so the first data row is row 2;
* JSON: the position of the object in the list, starting at 1;
* JSON Lines: the line number;
* Parquet: the record number, starting at 1.

Parquet columns keep their stored types (``Source.types``): dates, times and numbers stored as
such skip text parsing; every other use sees them rendered as text.
"""

from __future__ import annotations

import codecs
import datetime as dt
import json
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from salesscope.errors import InputError
from salesscope.ingest import xlsx
from salesscope.ingest.messages import say

CSV_SUFFIXES = {".csv", ".tsv", ".txt", ".tab"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}
SNIFF_BYTES = 256 * 1024
DELIMITERS = (",", "\t", ";", "|")


@dataclass
class Source:
    """One readable table of an input file (a CSV, or one sheet of a workbook)."""

    path: Path
    label: str  # what error messages call it: ``leads.csv`` or ``book.xlsx[Deals]``
    relation: str  # temporary view or table holding the text columns and __row
    headers: list[str]
    sheet: str | None = None
    cleanup: list[str] = field(default_factory=list)  # SQL to run when done
    types: dict[str, str] = field(default_factory=dict)  # stored type of a non-text column
    marked: set[str] = field(default_factory=set)  # columns with error or formula cells

    def text(self, header: str) -> str:
        """A column as SQL text: typed values rendered as DuckDB writes them."""
        return f"CAST({q(header)} AS VARCHAR)" if header in self.types else q(header)

    def name_for_table(self) -> str:
        """The name that may say which canonical table this feeds."""
        return self.sheet if self.sheet else self.path.name


# A workbook cell holding an error (#DIV/0!, #N/A) or a formula without a saved value reads as
# its text behind one of these marks (private-use characters no export holds), so that a column
# using it rejects the row with the reason instead of loading an empty value.
CELL_ERROR = "\ue000"
NO_VALUE = "\ue001"


def unmarked_sql(expr: str) -> str:
    """A cell's text as the user sees it, without the marks above."""
    return f"replace(replace({expr}, {_lit(CELL_ERROR)}, ''), {_lit(NO_VALUE)}, '')"


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def q(name: str) -> str:
    """A quoted SQL identifier."""
    return '"' + str(name).replace('"', '""') + '"'


def detect_encoding(sample: bytes) -> str:
    """UTF-8 (with or without BOM) when it decodes, else the best guess (often Windows-1256)."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as e:
        # A sample cut in the middle of a character is still UTF-8.
        if e.start >= len(sample) - 3:
            return "utf-8"
    from charset_normalizer import from_bytes

    best = from_bytes(sample, cp_isolation=["cp1256", "cp1252", "utf_16", "latin_1"]).best()
    return best.encoding if best else "cp1256"


def detect_delimiter(first_line: str, suffix: str) -> str:
    """The delimiter that splits the header line most (tab for .tsv)."""
    if suffix in {".tsv", ".tab"}:
        return "\t"
    counts = {d: first_line.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _transcode(path: Path, encoding: str, tmpdir: Path) -> Path:
    """A UTF-8 copy of a file in another encoding, converted in chunks (DuckDB reads UTF-8)."""
    out = tmpdir / (path.stem + ".utf8.csv")
    with path.open("r", encoding=encoding, errors="strict", newline="") as src, \
            out.open("w", encoding="utf-8", newline="") as dst:
        while chunk := src.read(1 << 20):
            dst.write(chunk)
    return out


def read_csv(con: duckdb.DuckDBPyConnection, path: Path, name: str, tmpdir: Path,
             delimiter: str | None = None, encoding: str | None = None) -> Source:
    """A CSV or TSV file as a text table, its encoding and delimiter detected."""
    with path.open("rb") as f:
        sample = f.read(SNIFF_BYTES)
    if not sample.strip():
        raise _file_error(path, "empty_file")
    _refuse_binary(path, sample)
    enc = encoding or detect_encoding(sample)
    readable = path
    if enc.replace("_", "-").lower() not in {"utf-8", "utf-8-sig", "utf8", "ascii"}:
        try:
            readable = _transcode(path, enc, tmpdir)
        except (UnicodeDecodeError, LookupError) as e:
            raise _file_error(path, "undecodable", encoding=enc, detail=e) from None
    first = sample.decode(enc if enc != "utf-8-sig" else "utf-8-sig", errors="replace")
    first_line = first.splitlines()[0] if first else ""
    delim = delimiter or detect_delimiter(first_line, path.suffix.lower())
    table = f"_raw_{name}"
    try:
        con.execute(
            # row_number() OVER () streams in file order: the spreadsheet row is that + 1.
            f"CREATE TEMP TABLE {table} AS SELECT *, row_number() OVER () + 1 AS __row "
            "FROM read_csv(?, all_varchar=true, "
            "header=true, auto_detect=true, delim=?, quote='\"', escape='\"', "
            "null_padding=true, strict_mode=false, sample_size=-1)",
            [str(readable), delim],
        )
    except duckdb.Error as e:
        raise _file_error(path, "unreadable_csv", detail=str(e).splitlines()[0]) from None
    headers = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall() if r[0] != "__row"]
    return Source(path, path.name, table, headers, cleanup=[f"DROP TABLE IF EXISTS {table}"])


# What a file that is not text usually is, by its first bytes: (English, Persian).
# The first bytes of a file that is not text, and what it is (``importing.binary.<kind>``).
MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "zip"),
    (b"\xd0\xcf\x11\xe0", "office"),
    (b"%PDF", "pdf"),
    (b"PAR1", "parquet"),
    (b"\x7fELF", "program"),
    (b"MZ", "program"),
)


def _file_error(path: Path, key: str, **params: object) -> InputError:
    """A file that cannot be read, in one sentence."""
    return InputError(say(key, file=path.name, **params), file=path.name)


def _refuse_binary(path: Path, sample: bytes) -> None:
    """One plain sentence for a file that is not text (a program, a PDF, a renamed workbook)."""
    kind = next((k for magic, k in MAGIC if sample.startswith(magic)), None)
    if kind is None:
        if b"\x00" not in sample[:8192] or sample.startswith((codecs.BOM_UTF16_LE,
                                                               codecs.BOM_UTF16_BE)):
            return
        kind = "binary"
    raise _file_error(path, "binary_file", kind=say(f"binary.{kind}"))


def read_parquet(con: duckdb.DuckDBPyConnection, path: Path, name: str) -> Source:
    """A Parquet file as a view of its columns, each in its stored type."""
    try:
        desc = con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [str(path)]).fetchall()
    except duckdb.Error as e:
        raise _file_error(path, "unreadable_parquet", detail=str(e).splitlines()[0]) from None
    headers = [r[0] for r in desc]
    types = {r[0]: str(r[1]).upper() for r in desc if str(r[1]).upper() != "VARCHAR"}
    view = f"_src_{name}"
    select = ", ".join(q(h) for h in headers)
    path_sql = "'" + str(path).replace("'", "''") + "'"
    con.execute(f"CREATE TEMP VIEW {view} AS SELECT {select}, file_row_number + 1 AS __row "
                f"FROM read_parquet({path_sql}, file_row_number=true)")
    return Source(path, path.name, view, headers, cleanup=[f"DROP VIEW IF EXISTS {view}"],
                  types=types)


def cell_text(v: Any) -> str | None:
    """A spreadsheet or JSON value as the text the parsers expect."""
    if v is None:
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(v)
    if isinstance(v, dt.datetime):
        return v.isoformat(sep=" ")
    if isinstance(v, dt.date | dt.time):
        return v.isoformat()
    if isinstance(v, dict | list):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, dt.timedelta):
        return str(v)
    s = str(v)
    return s if s != "" else None


def _register_rows(con: duckdb.DuckDBPyConnection, name: str, headers: list[str],
                   rows: Iterable[list[Any]], numbers: Iterable[int]) -> str:
    """Put text rows into a temporary table with their row numbers; return the table name."""
    columns: list[list[str | None]] = [[] for _ in headers]
    nums: list[int] = []
    for n, row in zip(numbers, rows, strict=False):
        nums.append(n)
        for i in range(len(headers)):
            columns[i].append(cell_text(row[i]) if i < len(row) else None)
    arrays = [pa.array(c, type=pa.string()) for c in columns] + [pa.array(nums, type=pa.int64())]
    data = pa.Table.from_arrays(arrays, names=[f"c{i}" for i in range(len(headers))] + ["__row"])
    view = f"_src_{name}"
    con.register(f"_arrow_{name}", data)
    select = ", ".join(f"c{i} AS {q(h)}" for i, h in enumerate(headers))
    con.execute(f"CREATE TEMP TABLE {view} AS SELECT {select}{',' if select else ''} __row "
                f"FROM _arrow_{name}")
    con.unregister(f"_arrow_{name}")
    return view


def _unique_headers(raw: list[Any]) -> list[str]:
    """Header texts, blanks named ``column_N`` and repeats suffixed, as DuckDB does for CSV."""
    seen: dict[str, int] = {}
    out = []
    for i, h in enumerate(raw):
        text = cell_text(h) or f"column{i}"
        text = text.strip()
        if text in seen:
            seen[text] += 1
            text = f"{text}_{seen[text]}"
        else:
            seen[text] = 0
        out.append(text)
    return out


def read_excel(con: duckdb.DuckDBPyConnection, path: Path, name: str,
               sheet: str | None = None) -> list[Source]:
    """Each non-empty sheet of a workbook (or only ``sheet``) as a text table."""
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(path))
    except Exception as e:  # noqa: BLE001 - calamine raises its own assorted errors
        raise _file_error(path, "unreadable_workbook", detail=e) from None
    names = list(wb.sheet_names)
    if sheet is not None and sheet not in names:
        raise _file_error(path, "no_sheet", sheet=sheet, sheets=", ".join(names))
    wanted = [sheet] if sheet else names
    problems = xlsx.problem_cells(path, wanted) if path.suffix.lower() in {".xlsx", ".xlsm"} \
        else {}
    sources = []
    for k, sname in enumerate(wanted):
        rows = wb.get_sheet_by_name(sname).to_python(skip_empty_area=False)
        marked_cols = _mark_cells(rows, problems.get(sname, {}))
        start = next((i for i, r in enumerate(rows) if any(c not in (None, "") for c in r)), None)
        if start is None:
            continue
        headers = _unique_headers(rows[start])
        body = rows[start + 1:]
        numbers = range(start + 2, start + 2 + len(body))  # spreadsheet rows are 1-based
        view = _register_rows(con, f"{name}_{k}", headers, body, numbers)
        sources.append(Source(path, f"{path.name}[{sname}]", view, headers, sheet=sname,
                              cleanup=[f"DROP TABLE IF EXISTS {view}"],
                              marked={headers[c] for c in marked_cols if c < len(headers)}))
    if not sources:
        raise _file_error(path, "empty_workbook")
    return sources


def _mark_cells(rows: list[list[Any]], problems: dict[tuple[int, int], tuple[bool, str]]
                ) -> set[int]:
    """Put error and formula cells' marked text into the rows; return their column indexes."""
    cols = set()
    for (r, c), (is_error, text) in problems.items():
        if r - 1 >= len(rows):
            continue
        row = rows[r - 1]
        row.extend([None] * (c + 1 - len(row)))
        row[c] = (CELL_ERROR if is_error else NO_VALUE) + text
        cols.add(c)
    return cols


def _json_records(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(row number, object) pairs of a JSON array, an object holding one, or JSON Lines."""
    raw = path.read_bytes()
    _refuse_binary(path, raw[:SNIFF_BYTES])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise _file_error(path, "undecodable", encoding="UTF-8", detail=e) from None
    stripped = text.lstrip()
    lines = path.suffix.lower() in {".jsonl", ".ndjson"} or (
        stripped.startswith("{") and "\n{" in stripped and not _is_json(path, stripped))
    if lines:
        for i, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                obj = _loads(path, line)
            except json.JSONDecodeError as e:
                raise InputError(say("json_invalid", file=path.name, row=i, detail=e.msg), file=path.name,
                                 row=i) from None
            if not isinstance(obj, dict):
                raise InputError(say("json_line_not_object", file=path.name, row=i), file=path.name, row=i)
            yield i, obj
        return
    try:
        data = _loads(path, text)
    except json.JSONDecodeError as e:
        raise InputError(say("json_invalid", file=path.name, row=e.lineno, detail=e.msg), file=path.name,
                         row=e.lineno) from None
    if isinstance(data, dict):
        lists = [k for k, v in data.items() if isinstance(v, list)]
        if len(lists) != 1:
            raise InputError(say("json_arrays", file=path.name, n=len(lists)), file=path.name)
        data = data[lists[0]]
    if not isinstance(data, list):
        raise InputError(say("json_not_array", file=path.name), file=path.name)
    for i, obj in enumerate(data, start=1):
        if not isinstance(obj, dict):
            raise InputError(say("json_item_not_object", file=path.name, row=i), file=path.name, row=i)
        yield i, obj


MAX_JSON_DEPTH = 32  # records are flat; deeper nesting is refused, never a RecursionError


def _loads(path: Path, text: str) -> Any:
    """``json.loads`` refusing nesting deeper than :data:`MAX_JSON_DEPTH` with a clear error."""
    try:
        data = json.loads(text)
    except RecursionError:
        raise _file_error(path, "json_too_deep", depth=MAX_JSON_DEPTH) from None
    stack = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise _file_error(path, "json_too_deep", depth=MAX_JSON_DEPTH)
        children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
        stack.extend((v, depth + 1) for v in children if isinstance(v, dict | list))
    return data


def _is_json(path: Path, text: str) -> bool:
    try:
        _loads(path, text)
        return True
    except json.JSONDecodeError:
        return False


def read_json(con: duckdb.DuckDBPyConnection, path: Path, name: str) -> Source:
    """A JSON array of objects (or an object with one list) or JSON Lines as a text table."""
    records = list(_json_records(path))
    headers: dict[str, None] = {}
    for _, obj in records:
        headers.update(dict.fromkeys(obj))
    hs = list(headers)
    view = _register_rows(con, name, hs, ([obj.get(h) for h in hs] for _, obj in records),
                          (n for n, _ in records))
    return Source(path, path.name, view, hs, cleanup=[f"DROP TABLE IF EXISTS {view}"])


def read_file(con: duckdb.DuckDBPyConnection, path: Path, name: str, tmpdir: Path, *,
              sheet: str | None = None, delimiter: str | None = None,
              encoding: str | None = None) -> list[Source]:
    """The readable tables of one input file, chosen by its suffix."""
    if not path.is_file():
        raise InputError(say("no_such_file", path=path), file=str(path))
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        return [read_csv(con, path, name, tmpdir, delimiter, encoding)]
    if suffix in EXCEL_SUFFIXES:
        return read_excel(con, path, name, sheet)
    if suffix in {".parquet", ".pq"}:
        return [read_parquet(con, path, name)]
    if suffix in {".json", ".jsonl", ".ndjson"}:
        return [read_json(con, path, name)]
    raise _file_error(path, "unknown_file_type", suffix=suffix)


def make_tmpdir() -> tempfile.TemporaryDirectory[str]:
    return tempfile.TemporaryDirectory(prefix="salesscope-import-")
