"""Write routes for people and settings: users, API tokens, digest subscriptions, workspace settings."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field, ValidationError

from salesscope import locale
from salesscope.config import Language, Target, WorkspaceConfig, validation_problem
from salesscope.errors import AuthError, ConfigError, InputError
from salesscope.formatting import value_text
from salesscope.locale import Listed, Text
from salesscope.web.api import SvcDep, UserDep
from salesscope.web.auth import Forbidden, require_admin
from salesscope.web.service import Service
from salesscope.web.users import TOKEN_DAYS, TOKEN_MAX_DAYS, User, UserStore

router = APIRouter(prefix="/api/v1")



class NewUser(BaseModel):
    username: str
    password: str
    role: Literal["admin", "manager", "rep"]
    team: str | None = None
    rep_id: str | None = None


class NewPassword(BaseModel):
    password: str
    current_password: str | None = None


class NewToken(BaseModel):
    name: str | None = Field(default=None, max_length=100)
    expires_in_days: int = Field(default=TOKEN_DAYS, ge=1, le=TOKEN_MAX_DAYS)


class NewSubscription(BaseModel):
    recipient: str = Field(min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+$")
    language: Language = "en"
    schedule: Literal["weekly", "monthly"] = "weekly"
    filter: dict[Literal["team", "rep"], str] = Field(default_factory=dict)


class Settings(BaseModel):
    calendar: Literal["gregorian", "jalali"] | None = None
    language: Language | None = None
    fiscal_year_start_month: int | None = Field(default=None, ge=1, le=12)
    min_sample: int | None = Field(default=None, ge=1)
    targets: list[Target] | None = None


# -- users -------------------------------------------------------------------------------------
@router.get("/users", tags=["users"])
def list_users(user: UserDep, svc: SvcDep) -> list[dict[str, Any]]:
    """Every account (admin only)."""
    require_admin(user)
    return [u.public() for u in svc_users(svc).list()]


@router.post("/users", status_code=201, tags=["users"])
def create_user(body: NewUser, user: UserDep, svc: SvcDep) -> dict[str, Any]:
    """Add an account: a manager needs a team, a rep a rep_id (admin only)."""
    require_admin(user)
    team_of = svc.team_of()
    if body.role == "rep" and body.rep_id and body.rep_id not in team_of:
        raise InputError(Text("error.users.no_such_rep", rep_id=body.rep_id),
                         column="rep_id", value=body.rep_id)
    if body.role == "manager" and body.team and body.team not in set(team_of.values()):
        raise InputError(Text("error.users.no_such_team", team=body.team),
                         column="team", value=body.team)
    return svc_users(svc).create(body.username, body.password, body.role, body.team, body.rep_id).public()


@router.delete("/users/{username}", tags=["users"])
def delete_user(username: str, user: UserDep, svc: SvcDep) -> dict[str, Any]:
    """Remove an account and its tokens (admin only; not yourself)."""
    require_admin(user)
    if username == user.username:
        raise InputError(Text("error.users.delete_self"))
    svc_users(svc).delete(username)
    return {"deleted": username}


@router.put("/users/{username}/password", tags=["users"])
def set_password(username: str, body: NewPassword, request: Request, user: UserDep,
                 svc: SvcDep) -> dict[str, Any]:
    """Change a password: your own with the current one, or anyone's as an admin. Every other
    session and every API token of that user stops working."""
    users = svc_users(svc)
    keep = None
    if username == user.username:
        try:
            users.verify(username, body.current_password or "")
        except AuthError:
            raise Forbidden(Text("error.users.wrong_current_password")) from None
        session = getattr(request.state, "session", None)
        keep = session.key if session is not None else None
    else:
        require_admin(user)
        if users.get(username) is None:
            raise InputError(Text("error.users.no_user", username=username))
    users.set_password(username, body.password, keep_session=keep)
    return {"changed": username}


@router.post("/tokens", status_code=201, tags=["users"])
def create_token(body: NewToken, user: UserDep, svc: SvcDep) -> dict[str, Any]:
    """A new API token for the caller, shown once; send it as ``Authorization: Bearer <token>``.
    It expires after ``expires_in_days`` (90 by default) and with the next password change."""
    token = svc_users(svc).new_token(user.username, body.name, body.expires_in_days)
    return {"token": token, "username": user.username}


@router.get("/tokens", tags=["users"])
def list_tokens(user: UserDep, svc: SvcDep) -> list[dict[str, Any]]:
    """The caller's API tokens: id, name, created, expires, last used (never the secret)."""
    return svc_users(svc).tokens(user)


@router.delete("/tokens/{token_id}", tags=["users"])
def revoke_token(token_id: str, user: UserDep, svc: SvcDep) -> dict[str, Any]:
    """Revoke one of the caller's API tokens; it stops working at once."""
    svc_users(svc).revoke_token(user, token_id)
    return {"revoked": token_id}


@router.get("/audit", tags=["users"])
def audit(user: UserDep, svc: SvcDep) -> dict[str, Any]:
    """Who imported what and when: files, counts per table, keys added and replaced (admin only)."""
    from salesscope.web.api_imports import audit_log

    require_admin(user)
    return {"imports": audit_log(svc)}


def svc_users(svc: Service) -> UserStore:
    return svc.users


# -- subscriptions ---------------------------------------------------------------------------
def default_filter(user: User) -> dict[str, str]:
    """A digest's filter when none is asked for: a rep's own rows, a manager's team, an admin's all."""
    if user.role == "rep":
        return {"rep": user.rep_id or ""}
    if user.role == "manager":
        return {"team": user.team or ""}
    return {}


def allowed_filter(user: User, flt: dict[str, str], team_of: dict[str, str]) -> bool:
    """Whether a digest of ``flt`` stays inside what ``user`` may see."""
    if user.role == "admin":
        return True
    if user.role == "manager":
        return flt.get("team") == user.team or (
            "rep" in flt and "team" not in flt and team_of.get(flt["rep"]) == user.team)
    return flt == {"rep": user.rep_id}


@router.get("/subscriptions", tags=["subscriptions"])
def list_subscriptions(user: UserDep, svc: SvcDep) -> list[dict[str, Any]]:
    """Digest subscriptions within the caller's scope."""
    from salesscope.report import digest

    with svc.writing() as ws:  # the first call creates the subscriptions table
        subs = digest.list_all(ws)
    team_of = svc.team_of()
    return [{"id": s.id, "recipient": s.recipient, "language": s.language, "schedule": s.schedule,
             "filter": s.filter, "created_at": s.created_at.isoformat() if s.created_at else None,
             "last_sent_at": s.last_sent_at.isoformat() if s.last_sent_at else None}
            for s in subs if allowed_filter(user, s.filter, team_of)]


@router.post("/subscriptions", status_code=201, tags=["subscriptions"])
def create_subscription(body: NewSubscription, user: UserDep, svc: SvcDep) -> dict[str, Any]:
    """Subscribe an address to a weekly or monthly digest of a team, a rep or (admins) everything."""
    from salesscope.report import digest

    flt: dict[str, str] = {str(k): v for k, v in body.filter.items()} or default_filter(user)
    if not allowed_filter(user, flt, svc.team_of()):
        raise Forbidden(Text("error.digest.outside_scope"))
    with svc.writing() as ws:
        sub = digest.add(ws, body.recipient, schedule=body.schedule, language=body.language, filter=flt,
                         owner=user.user_id)
    return {"id": sub.id, "recipient": sub.recipient, "language": sub.language, "schedule": sub.schedule,
            "filter": sub.filter, "created_at": sub.created_at.isoformat() if sub.created_at else None}


@router.delete("/subscriptions/{sub_id}", tags=["subscriptions"])
def delete_subscription(sub_id: int, user: UserDep, svc: SvcDep) -> dict[str, Any]:
    """Remove a subscription the caller can see."""
    from salesscope.report import digest

    visible = {s["id"] for s in list_subscriptions(user, svc)}
    if sub_id not in visible:
        raise InputError(Text("error.digest.no_subscription", id=sub_id))
    with svc.writing() as ws:
        digest.remove(ws, sub_id)
    return {"deleted": sub_id}


# -- settings ---------------------------------------------------------------------------------
def _settings_view(svc: Service) -> dict[str, Any]:
    cfg = svc.ws.config
    return {"name": cfg.name, "currency": cfg.currency, "calendar": str(cfg.calendar),
            "language": cfg.language, "fiscal_year_start_month": cfg.fiscal_year_start_month,
            "timezone": cfg.timezone, "min_sample": cfg.min_sample,
            "targets": [_target_view(t, svc) for t in cfg.targets]}


def _target_view(target: Target, svc: Service) -> dict[str, Any]:
    """A target as set, with ``display``: its value as every surface writes it, unit included."""
    ind = svc.catalog().get(target.kpi)
    unit = str(ind.unit) if ind is not None else ""
    return {**target.model_dump(mode="json"),
            "display": {lang: {"value": value_text(target.value, unit, lang, svc.ws.config.currency)}
                        for lang in locale.languages()}}


@router.get("/settings", tags=["settings"])
def get_settings(user: UserDep, svc: SvcDep) -> dict[str, Any]:
    """The workspace settings the dashboard shows: calendar, language, and the targets within the
    caller's scope (a rep's own, a manager's team's and its reps'; an admin's all)."""
    view = _settings_view(svc)
    if user.role != "admin":
        team_of = svc.team_of()
        view["targets"] = [t for t in view["targets"] if _target_visible(user, t["by"], team_of)]
    return view


def _target_visible(user: User, by: dict[str, str], team_of: dict[str, str]) -> bool:
    """Targets are scoped like data: one set for a rep or team the user may see, never a total."""
    rep, team = by.get("rep"), by.get("team")
    if user.role == "rep":
        return rep is not None and rep == user.rep_id
    if rep is not None:
        return team_of.get(rep) == user.team and team in (None, user.team)
    return team is not None and team == user.team


@router.put("/settings", tags=["settings"])
def put_settings(body: Settings, user: UserDep, svc: SvcDep) -> dict[str, Any]:
    """Change calendar, language, fiscal year start, minimum sample or targets (admin only)."""
    require_admin(user)
    with svc.writing() as ws:
        data = ws.config.model_dump(by_alias=True)
        data.update({k: v for k, v in body.model_dump(exclude_none=True).items()})
        try:
            ws.config = WorkspaceConfig.model_validate(data)
        except ValidationError as e:
            raise ConfigError(Text("error.config.invalid", problems=Listed(
                [Text("error.field_problem", field=".".join(map(str, er["loc"])), what=validation_problem(er))
                 for er in e.errors()], "; "))) from None
        ws.save_config()
    svc.config_changed()
    return _settings_view(svc)
