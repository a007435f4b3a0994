"""Cells of an XLSX workbook that hold no usable value: errors and formulas never calculated.

A reader of cached values (calamine) sees such a cell as empty; this module reads the sheet's
XML to tell them apart, so that the importer can reject a row with the reason instead of
loading an empty amount.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

CELL_REF = re.compile(r"([A-Z]+)(\d+)$")
NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def problem_cells(path: Path, sheets: list[str]) -> dict[str, dict[tuple[int, int], tuple[bool, str]]]:
    """Per sheet, ``(row, column) -> (is_error, text)`` for error cells (``#DIV/0!``) and
    formulas without a saved value (``=A1*2``); rows from 1, columns from 0."""
    out: dict[str, dict[tuple[int, int], tuple[bool, str]]] = {}
    try:
        with zipfile.ZipFile(path) as z:
            parts = _sheet_parts(z)
            for name in sheets:
                part = parts.get(name)
                if part is None or part not in z.namelist():
                    continue
                with z.open(part) as f:
                    data = f.read()
                # Most sheets have neither: skip the XML parse.
                if b"<f" not in data and b't="e"' not in data:
                    continue
                out[name] = _scan(data)
    except (zipfile.BadZipFile, ET.ParseError, KeyError, OSError):
        return {}  # calamine has read the workbook; nothing more can be told here
    return out


def _sheet_parts(z: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> the ZIP member holding its cells."""
    wb = ET.fromstring(z.read("xl/workbook.xml"))
    rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    target = {r.get("Id"): r.get("Target", "") for r in rels}
    out = {}
    for sh in wb.iter():
        if sh.tag.endswith("}sheet") and sh.get(NS_REL) in target:
            t = target[sh.get(NS_REL)]
            out[sh.get("name", "")] = t.lstrip("/") if t.startswith("/") else \
                posixpath.normpath(posixpath.join("xl", t))
    return out


def _scan(data: bytes) -> dict[tuple[int, int], tuple[bool, str]]:
    found: dict[tuple[int, int], tuple[bool, str]] = {}
    for _, el in ET.iterparse(io.BytesIO(data), events=("end",)):
        if not el.tag.endswith("}c"):
            if el.tag.endswith("}row"):
                el.clear()
            continue
        ref = el.get("r")
        formula = value = None
        for child in el:
            if child.tag.endswith("}f"):
                formula = child
            elif child.tag.endswith("}v"):
                value = child
        if ref is None or not CELL_REF.match(ref):
            continue
        if el.get("t") == "e":
            found[_cell(ref)] = (True, value.text if value is not None and value.text else "#ERROR")
        elif formula is not None and value is None:
            found[_cell(ref)] = (False, "=" + (formula.text or "(shared formula)"))
    return found


def _cell(ref: str) -> tuple[int, int]:
    """``B3`` -> (3, 1)."""
    m = CELL_REF.match(ref)
    assert m is not None
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)), col - 1
