"""One exception root; the CLI, the API and the dashboard each translate it in one place."""

from __future__ import annotations

from salesscope.locale import Localized


class SalesScopeError(Exception):
    """Base of every error SalesScope raises on purpose; its message is meant for the user.

    The message is a :class:`~salesscope.locale.Text` from the locale catalogues (or texts built
    from them), shown in the reader's language by :meth:`message_in`; ``str(error)`` is the
    English one.
    """

    code = "error"

    def __init__(self, message: Localized | str = "") -> None:
        super().__init__(str(message))
        self.text = message if isinstance(message, Localized) else None

    def message_in(self, lang: str) -> str:
        """The message in ``lang`` (English where the message is not from the catalogues)."""
        return self.text(lang) if self.text is not None else str(self)

    @property
    def message_fa(self) -> str | None:
        """The Persian message, as the API's ``message_fa`` field has always carried it."""
        return self.text("fa") if self.text is not None else None


class ConfigError(SalesScopeError):
    """The workspace config or a mapping file is invalid."""

    code = "config_error"


class InputError(SalesScopeError):
    """An input file cannot be read or does not fit the canonical tables."""

    code = "input_error"

    def __init__(self, message: Localized | str, *, file: str | None = None, row: int | None = None,
                 column: str | None = None, value: object = None) -> None:
        super().__init__(message)
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
