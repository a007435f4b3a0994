"""Scheduled digests: subscriptions kept in the workspace, each sent as an email with its report.

A weekly or monthly digest covers the last finished week or month and is due once that period has
ended and it has not been sent since; each recipient's report is built with their filter as the
engine's scope, so nobody sees rows outside it.
"""

from __future__ import annotations

import datetime as dt
import json
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any

from salesscope import locale
from salesscope.errors import InputError, SalesScopeError
from salesscope.locale import Text
from salesscope.report import texts
from salesscope.vocab import Grain

TABLE = "_subscriptions"
SCHEDULES = {"weekly": Grain.WEEK, "monthly": Grain.MONTH}
FILTER_KEYS = ("team", "rep")
DDL = (
    "CREATE SEQUENCE IF NOT EXISTS _subscriptions_id_seq START 1;"
    f'CREATE TABLE IF NOT EXISTS "{TABLE}" (id INTEGER DEFAULT nextval(\'_subscriptions_id_seq\'), '
    "recipient VARCHAR NOT NULL, language VARCHAR NOT NULL, schedule VARCHAR NOT NULL, filter VARCHAR, "
    "last_sent_at TIMESTAMP, created_at TIMESTAMP NOT NULL, owner VARCHAR)"
)
# Who subscribed through the dashboard (a user id): their bell shows the findings of their digests.
ADD_OWNER = f'ALTER TABLE "{TABLE}" ADD COLUMN IF NOT EXISTS owner VARCHAR'
COLUMNS = "id, recipient, language, schedule, filter, last_sent_at, created_at"


@dataclass
class Subscription:
    id: int
    recipient: str
    language: str
    schedule: str
    filter: dict[str, str]
    last_sent_at: dt.datetime | None
    created_at: dt.datetime | None

    @classmethod
    def of_row(cls, r: tuple) -> Subscription:
        return cls(int(r[0]), r[1], r[2], r[3], json.loads(r[4] or "{}"), r[5], r[6])

    def describe(self) -> str:
        flt = ", ".join(f"{k}={v}" for k, v in self.filter.items()) or "all"
        return f"#{self.id} {self.recipient} {self.schedule} {self.language} [{flt}]"


def ensure_table(ws: Any) -> None:
    """Create the subscriptions table if absent (the web API and the CLI share it through here)."""
    ws.duckdb.execute(DDL)
    ws.duckdb.execute(ADD_OWNER)


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def add(ws: Any, recipient: str, *, schedule: str = "monthly", language: str = "en",
        filter: dict[str, str] | None = None,  # noqa: A002 - the column's name
        owner: str | None = None) -> Subscription:
    """Subscribe ``recipient`` to a digest of everything or of one team or rep (``owner``: the user
    id of whoever subscribed in the dashboard)."""
    if "@" not in recipient or recipient.startswith("@") or any(c in recipient for c in " \r\n,;<>"):
        raise InputError(Text("error.digest.bad_recipient", recipient=recipient))
    if schedule not in SCHEDULES:
        raise InputError(Text("error.digest.bad_schedule", schedule=schedule, options=", ".join(SCHEDULES)))
    if not locale.supported(language):
        raise InputError(Text("error.digest.bad_language", language=language, options=", ".join(locale.languages())))
    flt = {k: str(v) for k, v in (filter or {}).items() if v is not None}
    bad = set(flt) - set(FILTER_KEYS)
    if bad:
        raise InputError(Text("error.digest.bad_filter", filter=sorted(bad), options=", ".join(FILTER_KEYS)))
    ensure_table(ws)
    row = ws.duckdb.execute(
        f'INSERT INTO "{TABLE}" (recipient, language, schedule, filter, created_at, owner) '
        "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
        [recipient, language, schedule, json.dumps(flt, ensure_ascii=False), _now(), owner]).fetchone()
    return next(s for s in list_all(ws) if s.id == row[0])


def list_all(ws: Any) -> list[Subscription]:
    """Every subscription, oldest first."""
    ensure_table(ws)
    rows = ws.duckdb.execute(f'SELECT {COLUMNS} FROM "{TABLE}" ORDER BY id').fetchall()
    return [Subscription.of_row(r) for r in rows]


def owned_by(ws: Any, owner: str) -> list[Subscription]:
    """The subscriptions ``owner`` made in the dashboard, oldest first; read only (a reader's
    connection may not create the table)."""
    has = ws.duckdb.execute("SELECT count(*) FROM information_schema.columns WHERE table_name = ? "
                            "AND column_name = 'owner'", [TABLE]).fetchone()[0]
    if not has:
        return []
    rows = ws.duckdb.execute(f'SELECT {COLUMNS} FROM "{TABLE}" WHERE owner = ? ORDER BY id', [owner]).fetchall()
    return [Subscription.of_row(r) for r in rows]


def remove(ws: Any, sub_id: int) -> None:
    """Delete subscription ``sub_id``."""
    if not any(s.id == sub_id for s in list_all(ws)):
        raise InputError(Text("error.digest.no_subscription", id=sub_id))
    ws.duckdb.execute(f'DELETE FROM "{TABLE}" WHERE id = ?', [sub_id])


def mark_sent(ws: Any, sub: Subscription, when: dt.datetime) -> None:
    ensure_table(ws)
    ws.duckdb.execute(f'UPDATE "{TABLE}" SET last_sent_at = ? WHERE id = ?', [when, sub.id])


def last_finished(ws: Any, schedule: str, today: dt.date) -> tuple[dt.date, dt.date]:
    """The start and end of the last week or month that ended before ``today``."""
    from salesscope.engine.calendar import period_of

    cal, fs = ws.config.calendar, ws.config.fiscal_year_start_month
    current = period_of(today, SCHEDULES[schedule], cal, fs)
    prev = period_of(current.start - dt.timedelta(days=1), SCHEDULES[schedule], cal, fs)
    return prev.start, prev.end


def is_due(ws: Any, sub: Subscription, today: dt.date) -> bool:
    """Due when its last finished period ended after the digest was last sent."""
    _, end = last_finished(ws, sub.schedule, today)
    return sub.last_sent_at is None or sub.last_sent_at.date() <= end


def due(ws: Any, today: dt.date | None = None) -> list[Subscription]:
    today = today or dt.date.today()
    return [s for s in list_all(ws) if is_due(ws, s, today)]


# A digest mail stays under this size; a report that would not fit is left out and said so.
MAX_MAIL_BYTES = 1_000_000
ATTACHMENTS = ("pdf", "html", "xlsx", "none")


@dataclass
class Digest:
    subscription: Subscription
    subject: str
    body: str
    attachment: bytes | None
    filename: str
    mime: tuple[str, str]

    def message(self, sender: str) -> EmailMessage:
        msg = EmailMessage()
        msg["From"], msg["To"], msg["Subject"] = sender, self.subscription.recipient, self.subject
        msg["Date"], msg["Message-ID"] = formatdate(localtime=True), make_msgid(domain="salesscope.local")
        msg.set_content(self.body)
        if self.attachment is not None:
            params = {"charset": "utf-8"} if self.mime[0] == "text" else None
            msg.add_attachment(self.attachment, maintype=self.mime[0], subtype=self.mime[1],
                               filename=self.filename, params=params)
        return msg


def summary(data: Any) -> list[str]:
    """The report's indicators for its period as lines of text: name, value, change, sample size."""
    from salesscope.formatting import change_text, number, value_text

    lang, lines = data.lang, []
    rows = {r["kpi"]: r for r in data.current().to_dict(orient="records")}
    for info in data.indicators:
        r = rows.get(info.id)
        if r is None:
            continue
        value = value_text(r.get("value"), info.unit, lang, data.currency)
        if texts.is_missing(r.get("value")):
            value += f" ({texts.reason_text(r.get('reason'), lang)})"
        change = change_text(r.get("change"), info.unit, lang, data.currency)
        n = number(r.get("n"), lang, "count")
        lines.append(f"• {info.name(lang)}: {value}" + (f" ({change})" if change else "") + f" · n={n}")
    return lines


def report_of(ws: Any, sub: Subscription, today: dt.date, *, sections: tuple[str, ...] | None = None,
              lang: str | None = None) -> Any:
    """What ``sub``'s digest reports on ``today``: its last finished week or month, its filter as the
    scope, in its language (or ``lang``)."""
    from salesscope.report.builder import build, scope_from_filter

    _, end = last_finished(ws, sub.schedule, today)
    lang = lang or sub.language
    return build(ws, lang=lang if locale.supported(lang) else locale.DEFAULT, grain=SCHEDULES[sub.schedule],
                 scope=scope_from_filter(sub.filter), today=end + dt.timedelta(days=1), sections=sections,
                 forecast=sections is None)


def findings(ws: Any, sub: Subscription, today: dt.date | None = None, lang: str | None = None) -> list[dict[str, Any]]:
    """The advice findings ``sub``'s digest carries on ``today`` (its report's advice section), as the
    advice engine's dicts; the dashboard's bell shows these."""
    return report_of(ws, sub, today or dt.date.today(), sections=("advice",), lang=lang).findings or []


def compose(ws: Any, sub: Subscription, *, today: dt.date | None = None, fmt: str = "pdf",
            link: str | None = None) -> Digest:
    """Build ``sub``'s report (its filter as the scope) as a mail: the indicators inline, the full
    report attached (``fmt``, or ``none``) while the mail stays under :data:`MAX_MAIL_BYTES`, and a
    link to the dashboard when one is given."""
    from salesscope.formatting import number
    from salesscope.report import render_bytes

    today = today or dt.date.today()
    data = report_of(ws, sub, today)
    lang = data.lang
    schedule = texts.t(sub.schedule, lang)
    period = locale.digits(data.period, lang)
    scope = "; ".join(f"{locale.word('dim', k, lang)}: {v}" for k, v in sub.filter.items())
    scope_line = f" {texts.t('scope', lang)}: {scope}." if scope else ""
    safe_name = "".join(c if c.isalnum() else "-" for c in f"{sub.schedule}-{data.period}")
    filename = f"salesscope-{safe_name}.{fmt}"
    payload, mime, notes = None, ("application", "octet-stream"), []
    if fmt != "none":
        payload, mime = render_bytes(data, fmt)
        if len(payload) * 4 // 3 > MAX_MAIL_BYTES - 50_000:  # base64 grows it by a third; room for the text
            size = number(len(payload) / 1e6, lang) + locale.text("unit.megabytes", lang)
            notes.append(texts.t("digest_too_big", lang, size=size, command="salesscope report"))
            payload = None
        else:
            notes.append(texts.t("digest_attached", lang, name=filename))
    if link:
        notes.append(texts.t("digest_link", lang, url=link))
    advice = [f"• {f[f'advice_{lang}']}" for f in data.top()]
    body = "\n".join([texts.t("digest_body", lang, schedule=schedule, period=period, scope=scope_line), "",
                      *summary(data), "", *([texts.t("advice", lang), *advice, ""] if advice else []), *notes])
    return Digest(sub, texts.t("digest_subject", lang, schedule=schedule, period=period), body,
                  payload, filename, mime)


@dataclass
class SmtpSettings:
    host: str = "127.0.0.1"
    port: int = 25
    user: str | None = None
    password: str | None = None
    sender: str = "salesscope@localhost"
    starttls: bool = False
    timeout: float = 30.0


def send(digests: list[Digest], smtp: SmtpSettings) -> None:
    """Send every digest over one SMTP connection."""
    try:
        with smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout) as server:
            if smtp.starttls:
                server.starttls()
            if smtp.user:
                server.login(smtp.user, smtp.password or "")
            for d in digests:
                server.send_message(d.message(smtp.sender))
    except (OSError, smtplib.SMTPException) as e:
        raise SalesScopeError(Text("error.digest.cannot_send", host=smtp.host, port=smtp.port, detail=e)) from None


def run_due(ws: Any, smtp: SmtpSettings | None, *, out_dir: Path | None = None, fmt: str = "pdf",
            today: dt.date | None = None, only_due: bool = True,
            link: str | None = None) -> list[tuple[Subscription, str]]:
    """Send (or, with ``out_dir``, write as .eml files) each due digest; return what went where."""
    # A pretended "today" (catching up, tests) is also the recorded send day, so due-ness stays consistent.
    sent_at = _now() if today is None else dt.datetime.combine(today, _now().time())
    today = today or dt.date.today()
    subs = due(ws, today) if only_due else list_all(ws)
    done: list[tuple[Subscription, str]] = []
    for sub in subs:
        digest = compose(ws, sub, today=today, fmt=fmt, link=link)
        if out_dir is not None:
            out_dir.mkdir(parents=True, exist_ok=True)
            path = out_dir / f"digest-{sub.id}-{digest.filename.rsplit('.', 1)[0]}.eml"
            path.write_bytes(bytes(digest.message(smtp.sender if smtp else "salesscope@localhost")))
            done.append((sub, str(path)))
        else:
            send([digest], smtp or SmtpSettings())
            mark_sent(ws, sub, sent_at)
            done.append((sub, sub.recipient))
    return done
