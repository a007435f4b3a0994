"""Imports over HTTP: upload files, preview them, then commit.

A preview is the same import, run on a copy of the store taken beside the readers: the store
itself is neither locked for writing nor written, so everyone reads on while a large file is
checked. Only the commit writes the store, alone and in one transaction.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
import shutil
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, File, Form, UploadFile

from salesscope import locale
from salesscope.errors import InputError, TooLarge, WorkspaceError
from salesscope.formatting import counts_display
from salesscope.locale import Text
from salesscope.schema import IMPORTS_TABLE
from salesscope.web.api import SvcDep, UserDep
from salesscope.web.auth import Forbidden, scope_for
from salesscope.web.limits import UPLOAD_BYTES
from salesscope.web.rows import cell_text
from salesscope.web.service import Service, to_records
from salesscope.web.users import User

if TYPE_CHECKING:
    from salesscope.workspace import Workspace

router = APIRouter(prefix="/api/v1/imports", tags=["imports"])
UPLOADS = "uploads"
MAX_BYTES = UPLOAD_BYTES
REJECTED_SHOWN = 200
STALE_UPLOAD_S = 24 * 3600
PREVIEWS_PER_USER = 5  # previews waiting for a commit, per user
UPLOADS_BUDGET = 2 * 1024 * 1024 * 1024  # bytes of all waiting previews together, a new one included
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def _may_import(user: User) -> None:
    # An import replaces facts for everyone, so only admins and managers may run one.
    if user.role == "rep":
        raise Forbidden(Text("error.imports.rep_cannot_import"))


def _upload_dir(svc: Service, upload_id: str) -> Path:
    if not re.fullmatch(r"[A-Za-z0-9_-]{8,64}", upload_id):
        raise InputError(Text("error.imports.bad_upload_id", upload=upload_id))
    return svc.ws.path / UPLOADS / upload_id


def _tidy_uploads(svc: Service, user: User) -> None:
    """Keep uploads on a budget before a new one: previews never committed go after a day, a
    user keeps at most :data:`PREVIEWS_PER_USER` (their oldest go first), and all of them
    together stay under :data:`UPLOADS_BUDGET` bytes (the oldest go first)."""
    root = svc.ws.path / UPLOADS
    if not root.is_dir():
        return
    now, folders = time.time(), []
    for folder in root.iterdir():
        try:
            size = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())
            opts = json.loads((folder / "options.json").read_text(encoding="utf-8"))
            folders.append((folder.stat().st_mtime, size, opts.get("owner"), folder))
        except (OSError, ValueError):
            folders.append((0.0, 0, None, folder))  # half-written or removed meanwhile: goes first
    folders.sort(key=lambda f: f[0])
    mine = [f for f in folders if f[2] == user.username]
    # An upload still streaming in has no options yet: unowned folders go only once an hour old.
    drop = {f[3] for f in folders if now - f[0] > STALE_UPLOAD_S or (f[2] is None and now - f[0] > 3600)}
    drop |= {f[3] for f in mine[:max(0, len(mine) - PREVIEWS_PER_USER + 1)]}
    total = sum(f[1] for f in folders if f[3] not in drop)
    for _, size, _, folder in folders:
        if total <= UPLOADS_BUDGET - MAX_BYTES:
            break
        if folder not in drop:
            drop.add(folder)
            total -= size
    for folder in drop:
        shutil.rmtree(folder, ignore_errors=True)


def _preview_copy(svc: Service, folder: Path) -> Workspace:
    """A copy of the store in the upload's folder, for a preview to import into: taken while
    reading (so no write lands halfway through), readers go on beside it."""
    from salesscope.ingest.messages import say
    from salesscope.workspace import Workspace

    target = folder / "preview"
    target.mkdir()
    with svc.reading() as ws:
        try:
            for source in (ws.store_path, ws.store_path.with_name(ws.store_path.name + ".wal")):
                if source.exists():
                    shutil.copyfile(source, target / source.name)
        except OSError as e:
            raise WorkspaceError(say("not_written", path=ws.path, detail=e.strerror)) from None
        return Workspace(target, ws.config)


def _run(svc: Service, folder: Path, user: User, *, commit: bool) -> dict[str, Any]:
    """Run the importer on an upload within the user's scope; a preview is the same import on a
    copy of the store, rolled back (``dry_run``), and never waits for or holds up the readers."""
    import pandas as pd

    from salesscope.ingest import import_files

    opts = _read_options(folder)
    if opts.pop("owner", None) != user.username:
        raise InputError(Text("error.imports.no_upload", upload=folder.name))
    paths = sorted(p for p in (folder / "files").iterdir() if p.is_file())
    imports = dict(progress=False, scope=scope_for(user).as_dict(), actor=user.username, **opts)
    if commit:
        with svc.importing(), svc.writing() as ws:
            result = import_files(ws, paths, **imports)
    else:
        copy = _preview_copy(svc, folder)
        try:
            result = import_files(copy, paths, dry_run=True, **imports)
        finally:
            copy.close()
    qfile = Path(result.quarantine) if result.quarantine else None
    rejected: list[dict[str, Any]] = []
    if qfile is not None and qfile.exists():
        if result.rejected:
            df = pd.read_csv(qfile, nrows=REJECTED_SHOWN, dtype=str, keep_default_na=False)
            rejected = to_records(df.drop(columns=["import_id"], errors="ignore"))
    if not commit:
        shutil.rmtree(folder / "preview", ignore_errors=True)  # the copy and its quarantine
    summary = result.to_dict()
    if not commit or user.role != "admin":
        summary.pop("quarantine", None)  # a server path: for admins only, and only once stored
    if user.role != "admin":
        for key in [k for k in summary if k.startswith("warnings")]:  # warnings, warnings_fa...
            summary[key] = [w.replace(str(svc.ws.path), "<workspace>") for w in summary[key]]
    if not commit:
        # A preview says what the import would load (the result itself says nothing was loaded).
        summary["tables"] = {t: {"read": c.read, "loaded": c.loaded, "rejected": c.rejected}
                             for t, c in result.tables.items()}
    summary["tables"] = _counted(summary["tables"])
    return {"committed": commit, "import_id": result.import_id if commit else None,
            "summary": summary, "rejected": rejected, "rejected_total": result.rejected,
            "rejected_shown_limit": REJECTED_SHOWN,
            "display": counts_display({"rejected_total": result.rejected, "rejected_shown": len(rejected)})}


def _counted(tables: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Each table's counts with ``display``: the same counts as every surface writes them."""
    return {t: {**c, "display": counts_display({k: v for k, v in c.items() if isinstance(v, int)})}
            for t, c in tables.items()}


def _when(moment: dt.datetime | None, calendar: str) -> dict[str, str]:
    """When an import ran, in each language and its calendar (Jalali in Persian), to the minute."""
    return {lang: cell_text("finished_at", moment, lang, locale.text("meta.calendar", lang) or calendar)
            for lang in locale.languages()}


def _read_options(folder: Path) -> dict[str, Any]:

    opts = json.loads((folder / "options.json").read_text(encoding="utf-8"))
    if opts.get("mapping"):
        opts["mapping"] = str(folder / "mapping.yaml")
    return {k: v for k, v in opts.items() if v}


@router.get("/presets")
def presets(user: UserDep) -> dict[str, Any]:
    """The ready-made column mappings for well-known CRM exports."""
    from salesscope.ingest.mapping import list_presets

    return {"presets": list_presets()}


@router.get("")
def history(user: UserDep, svc: SvcDep) -> dict[str, Any]:
    """Past imports, newest first: an admin's are everyone's, a manager's their own."""
    _may_import(user)
    return {"imports": audit_log(svc, None if user.role == "admin" else user.username)}


def audit_log(svc: Service, by: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
    """Imports newest first: who, when, which files (names, never server paths), the counts per
    table and the keys each table added and replaced, with ``display`` strings for the counts and
    the moment (``when``)."""

    sql = (f'SELECT import_id, started_at, finished_at, imported_by, files, summary, changes FROM '
           f'"{IMPORTS_TABLE}"' + (" WHERE imported_by = ?" if by is not None else "")
           + f" ORDER BY started_at DESC, finished_at DESC LIMIT {int(limit)}")
    out = []
    for import_id, started, finished, who, files, summary, changes in svc.fetch(
            sql, [by] if by is not None else []):
        summary = json.loads(summary or "{}")
        out.append({"import_id": import_id, "started_at": started.isoformat() if started else None,
                    "finished_at": finished.isoformat() if finished else None,
                    "when": _when(finished or started, str(svc.ws.config.calendar)),
                    "imported_by": who, "files": [Path(f).name for f in json.loads(files or "[]")],
                    "tables": _counted(summary.get("tables", {})),
                    "changes": _counted(json.loads(changes or "{}"))})
    return out


@router.post("/preview")
async def preview(
    user: UserDep, svc: SvcDep,
    files: Annotated[list[UploadFile], File(description="CSV, TSV, XLSX, Parquet or JSON files")],
    table: Annotated[str | None, Form()] = None,
    preset: Annotated[str | None, Form()] = None,
    mapping: Annotated[str | None, Form(description="a column-mapping file's YAML text")] = None,
) -> dict[str, Any]:
    """Upload files and see what an import would load and reject; nothing is stored yet."""

    _may_import(user)
    _tidy_uploads(svc, user)
    upload_id = secrets.token_urlsafe(12)
    folder = _upload_dir(svc, upload_id)
    (folder / "files").mkdir(parents=True)
    total = 0
    used: set[str] = set()
    try:
        for f in files:
            # No path, no leading dots ('..' is a folder), and two files never share a name.
            name = _SAFE.sub("_", Path(f.filename or "upload").name).lstrip(".") or "upload"
            stem, dot, ext = name.partition(".")
            k = 2
            while name in used:
                name, k = f"{stem}-{k}{dot}{ext}", k + 1
            used.add(name)
            with (folder / "files" / name).open("wb") as out:
                while chunk := await f.read(1 << 20):  # never the whole file in memory
                    total += len(chunk)
                    if total > MAX_BYTES:
                        raise TooLarge(Text("error.imports.upload_too_large", mb=MAX_BYTES // 2**20))
                    out.write(chunk)
        if mapping:
            (folder / "mapping.yaml").write_text(mapping, encoding="utf-8")
        (folder / "options.json").write_text(json.dumps(
            {"table": table or None, "preset": preset or None, "mapping": bool(mapping),
             "owner": user.username}), encoding="utf-8")
        from starlette.concurrency import run_in_threadpool

        checked = await run_in_threadpool(_run, svc, folder, user, commit=False)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return {"upload_id": upload_id, **checked}


@router.post("/{upload_id}/commit")
def commit(upload_id: str, user: UserDep, svc: SvcDep) -> dict[str, Any]:
    """Import a previewed upload for real; the dashboard's cache refreshes with it."""
    _may_import(user)
    folder = _upload_dir(svc, upload_id)
    if not folder.exists():
        raise InputError(Text("error.imports.no_upload", upload=upload_id))
    try:
        out = _run(svc, folder, user, commit=True)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return {"upload_id": upload_id, **out}
