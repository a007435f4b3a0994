"""Ingest: read CRM exports, map them to canonical tables, check them and load them.

>>> from salesscope.ingest import import_files
>>> import_files(ws, ["leads.csv"]).to_dict()   # doctest: +SKIP
"""

from salesscope.ingest.importer import import_files, load_table
from salesscope.ingest.mapping import Mapping, list_presets, load_mapping, load_preset
from salesscope.ingest.messages import Reason
from salesscope.ingest.result import ImportResult, RejectedRowsError, TableCounts

__all__ = ["ImportResult", "Mapping", "Reason", "RejectedRowsError", "TableCounts",
           "import_files", "list_presets", "load_mapping", "load_preset", "load_table"]
