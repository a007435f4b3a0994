"""Who may see which rows: one value for a reader's reach, and the one place that turns it into a
row predicate.

A scope is everything (an admin, a command-line user), the reps of some teams (a manager) or some
reps (a rep sees their own rows). Every surface that reads the store (indicators, funnel, forecast,
plan, the rows behind a number, dimension values, advice) restricts its relations with
:meth:`Scope.restrict`, inside the query, on the workspace's backend; a relation that cannot be
tied to a rep or team is out of scope rather than shown whole.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from salesscope.errors import Forbidden, QueryError
from salesscope.locale import Text

if TYPE_CHECKING:
    import ibis.expr.types as ir

KEYS = ("rep", "team")


class Reader(Protocol):
    """Whoever reads: a role, and the team or rep the role is tied to."""

    @property
    def role(self) -> str: ...
    @property
    def team(self) -> str | None: ...
    @property
    def rep_id(self) -> str | None: ...


def _values(raw: Any) -> tuple[str, ...]:
    items = [raw] if isinstance(raw, str) or not isinstance(raw, Iterable) else list(raw)
    return tuple(dict.fromkeys(str(v) for v in items if v is not None))


@dataclass(frozen=True)
class Scope:
    """The rows a reader may see. ``None`` means no restriction on that key; both keys must hold."""

    reps: tuple[str, ...] | None = None
    teams: tuple[str, ...] | None = None

    @classmethod
    def of(cls, reader: Reader) -> Scope:
        """The scope of a user: an admin sees everything, a manager their team, a rep their own rows."""
        match reader.role:
            case "admin":
                return EVERYTHING
            case "manager":
                return cls(teams=(reader.team or "",))
            case "rep":
                return cls(reps=(reader.rep_id or "",))
        raise Forbidden(Text("error.scope.unknown_role", role=reader.role))

    @classmethod
    def parse(cls, value: Scope | Mapping[str, Any] | None) -> Scope:
        """The Python form (``{"rep": ["R01"]}``, ``{"team": "North"}``, None for everything).

        >>> Scope.parse({"team": "North"})
        Scope(reps=None, teams=('North',))
        """
        if value is None:
            return EVERYTHING
        if isinstance(value, Scope):
            return value
        if not isinstance(value, Mapping):
            raise QueryError(Text("error.scope.not_a_mapping", value=value))
        for key in value:
            if key not in KEYS:
                raise QueryError(Text("error.scope.unknown_key", key=key, options=", ".join(KEYS)))
        reps, teams = value.get("rep"), value.get("team")
        return cls(reps=None if reps is None else _values(reps),
                   teams=None if teams is None else _values(teams))

    @property
    def everything(self) -> bool:
        return self.reps is None and self.teams is None

    def as_dict(self) -> dict[str, list[str]] | None:
        """The public form (``{"rep": ["R01"]}``), None for everything."""
        if self.everything:
            return None
        out = {}
        if self.reps is not None:
            out["rep"] = list(self.reps)
        if self.teams is not None:
            out["team"] = list(self.teams)
        return out

    def admits(self, *, rep: str | None = None, team: str | None = None,
               team_of: Mapping[str, str]) -> bool:
        """Whether a filter naming this rep and/or team stays inside the scope (``team_of``: each
        rep's team). A rep's own team may be named: the filter is then applied within the scope."""
        if self.reps is not None:
            if rep is not None and rep not in self.reps:
                return False
            if team is not None and team not in {team_of.get(r) for r in self.reps}:
                return False
        if self.teams is not None:
            if team is not None and team not in self.teams:
                return False
            if rep is not None and team_of.get(rep) not in self.teams:
                return False
        return True

    def contains(self, other: Scope, team_of: Mapping[str, str]) -> bool:
        """Whether every row ``other`` admits is admitted here (a subscription's scope may not reach
        further than its author's)."""
        if self.everything:
            return True
        if other.everything:
            return False
        if self.reps is not None and (other.reps is None or not set(other.reps) <= set(self.reps)):
            return False
        if self.teams is not None:
            by_team = other.teams is not None and set(other.teams) <= set(self.teams)
            by_rep = other.reps is not None and all(team_of.get(r) in self.teams for r in other.reps)
            if not (by_team or by_rep):
                return False
        return True

    def predicate(self, rep: ir.Value | None, team: ir.Value | None) -> ir.BooleanValue | None:
        """The row predicate over a relation's rep and team columns; None when the relation lacks
        a column the scope needs (its rows cannot be attributed, so none may be shown)."""
        import ibis

        cond = ibis.literal(True)
        for values, col in ((self.reps, rep), (self.teams, team)):
            if values is None:
                continue
            if col is None:
                return None
            cond &= col.cast("string").isin(list(values))
        return cond

    def restrict(self, t: ir.Table, *, rep: str | None = None, team: str | None = None) -> ir.Table | None:
        """``t`` keeping the rows in scope, given the names of its rep and team columns (each may be
        absent); None when ``t`` is out of scope."""
        if self.everything:
            return t
        cond = self.predicate(t[rep] if rep else None, t[team] if team else None)
        return None if cond is None else t.filter(cond)


EVERYTHING = Scope()
# What a caller may pass for a scope: a Scope, its Python form (``{"rep": ["R01"]}``) or None (everything).
ScopeArg = Scope | Mapping[str, Sequence[str]] | None
