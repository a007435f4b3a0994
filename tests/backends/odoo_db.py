"""Small Odoo CRM databases of each supported version, built in the test PostgreSQL server.

``odoo<NN>_schema.sql`` holds a version's tables as its model files define them (the file and what
was checked noted beside each table); ``odoo_records.sql`` the records every version writes alike;
this module what differs: base's installed version, activities kept when done (17.0+), and the
tracking values of stage changes (16.0 names the tracked field ``field`` and requires its label).
"""

from __future__ import annotations

from pathlib import Path

import psycopg

HERE = Path(__file__).parent
VERSIONS = ("16.0", "17.0", "18.0")
RECORDS = HERE / "odoo_records.sql"
FIELDS = {"stage_id": (900, "Stage"), "user_id": (901, "Salesperson")}  # crm.lead's, in ir_model_fields

# Tracked changes: (field, old id, new id, old name, new name, message); Many2one tracking keeps
# the ids in *_value_integer and the display names in *_value_char.
TRACKED = [
    ("stage_id", 1, 2, "New", "Qualified", 70), ("user_id", 3, 2, "Reza Karimi", "Sara Ahmadi", 76),
    ("stage_id", 2, 3, "Qualified", "Proposition", 71),
    ("stage_id", 1, 2, "New", "Qualified", 72), ("stage_id", 2, 3, "Qualified", "Proposition", 73),
    ("stage_id", 3, 4, "Proposition", "Won", 74),
    ("stage_id", 1, 2, "New", "Qualified", 75),
]


def schema_sql(version: str) -> str:
    return (HERE / f"odoo{version.split('.')[0]}_schema.sql").read_text(encoding="utf-8")


def _sql(v: object) -> str:
    if v is None:
        return "NULL"
    if isinstance(v, str):
        return "'" + v.replace("'", "''") + "'"
    return str(v)


def tracking_sql(version: str, rows: list[tuple]) -> str:
    """INSERTs of many2one tracking values ``(field, old id, new id, old name, new name, message)``
    in the version's columns."""
    if not rows:
        return ""
    if version == "16.0":
        head = ("INSERT INTO mail_tracking_value (field, field_desc, field_type, old_value_integer, "
                "new_value_integer, old_value_char, new_value_char, mail_message_id, tracking_sequence) VALUES\n")
        values = [(FIELDS[f][0], FIELDS[f][1], "many2one", o, n, on, nn, m, 100) for f, o, n, on, nn, m in rows]
    else:
        head = ("INSERT INTO mail_tracking_value (field_id, old_value_integer, new_value_integer, "
                "old_value_char, new_value_char, mail_message_id) VALUES\n")
        values = [(FIELDS[f][0], o, n, on, nn, m) for f, o, n, on, nn, m in rows]
    return head + ",\n".join("(" + ", ".join(_sql(v) for v in row) + ")" for row in values) + ";\n"


def version_sql(version: str) -> str:
    """What the version writes differently from the others, for the records of odoo_records.sql."""
    out = (f"INSERT INTO ir_module_module (name, state, latest_version) "
           f"VALUES ('base', 'installed', '{version}.1.3'), ('crm', 'installed', '{version}.1.9');\n")
    if version != "16.0":
        # 17.0+: Call keeps done activities; lead 102's third call, done on 2026-01-20, is archived
        # (with message 24 posted) instead of deleted
        out += ("UPDATE mail_activity_type SET keep_done = (id = 2);\n"
                "UPDATE mail_activity SET active = true;\n"
                "INSERT INTO mail_activity (id, res_model_id, res_model, res_id, activity_type_id, date_deadline,"
                " date_done, user_id, active, create_uid, create_date) VALUES"
                " (9, 1, 'crm.lead', 102, 2, '2026-01-20', '2026-01-20', 3, false, 3, '2026-01-16 09:00');\n")
    return out + tracking_sql(version, TRACKED)


def create(cfg, version: str, *extra: str, records: bool = True) -> None:
    """Build the version's tables (and the records, unless ``records`` is false) in ``cfg``'s
    database, then run the ``extra`` SQL."""
    with psycopg.connect(host=cfg.host, port=cfg.port, user="postgres", dbname=cfg.database, autocommit=True) as con:
        con.execute(schema_sql(version))
        if records:
            con.execute(RECORDS.read_text(encoding="utf-8"))
            con.execute(version_sql(version))
        for sql in extra:
            con.execute(sql)
