"""One exception root; the CLI, the API and the dashboard each translate it in one place."""

from __future__ import annotations


class SalesScopeError(Exception):
    """Base of every error SalesScope raises on purpose; its message is meant for the user.

    ``fa`` carries the same message in Persian where it has been written; the CLI and the API
    show it beside the English one.
    """

    code = "error"

    def __init__(self, message: str = "", *, fa: str | None = None) -> None:
        super().__init__(message)
        self.message_fa = fa


class ConfigError(SalesScopeError):
    """The workspace config or a mapping file is invalid."""

    code = "config_error"


class InputError(SalesScopeError):
    """An input file cannot be read or does not fit the canonical tables."""

    code = "input_error"

    def __init__(self, message: str, *, file: str | None = None, row: int | None = None,
                 column: str | None = None, value: object = None, fa: str | None = None) -> None:
        super().__init__(message, fa=fa)
        self.file, self.row, self.column, self.value = file, row, column, value


class TooLarge(InputError):
    """An input is larger than SalesScope accepts (an upload over the limit)."""

    code = "too_large"


class WorkspaceError(SalesScopeError):
    """The workspace is missing, locked, read-only or otherwise unusable."""

    code = "workspace_error"


class UsageError(SalesScopeError):
    """A value the user typed (a command-line option, an API parameter) is not one SalesScope takes."""

    code = "usage_error"


class QueryError(SalesScopeError):
    """An indicator request cannot be answered as asked (unknown id, impossible breakdown...)."""

    code = "query_error"


class AuthError(SalesScopeError):
    """Not logged in, or not allowed to see what was asked."""

    code = "auth_error"


class Forbidden(AuthError):
    """Logged in (or running with a scope), but not allowed to see or change this."""

    code = "forbidden"
