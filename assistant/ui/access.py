"""Who may use the server and what for: accounts and roles, sign-in sessions, bearer
tokens, a back-off on failed sign-ins, and the folders an editor may ingest from.

Readers search and ask; editors also ingest and accept or reject metadata proposals.
Without any password configured the server is open to whoever reaches it (loopback by
default, the journalist's own machine) and they may review metadata, but nobody may
ingest from the app then: ingest always needs a signed-in editor and a folder under
serve.ingest_roots, because an ingested folder becomes one the server serves files from.
The HTTP side (checking every request) is assistant/ui/walls.py; this module holds no
web code.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from assistant.config import ServeSettings
from assistant.errors import AssistantError

Role = Literal["reader", "editor"]


@dataclass(frozen=True)
class Identity:
    user: str
    role: Role

    @property
    def is_editor(self) -> bool:
        return self.role == "editor"


class LoginRefused(AssistantError):
    """Wrong name or password (status 401), or too many failures (429, `retry_after_s`)."""

    def __init__(self, message: str, retry_after_s: float = 0.0) -> None:
        super().__init__(
            message,
            hint="Check the user name and password."
            if not retry_after_s
            else f"Wait {retry_after_s:.0f} s before trying again.",
        )
        self.retry_after_s = retry_after_s


def accounts(serve: ServeSettings) -> dict[str, tuple[str, Role]]:
    """user -> (password, role) from the serve settings."""
    found: dict[str, tuple[str, Role]] = {}
    if serve.password:
        found[serve.username] = (serve.password, "reader" if serve.editor_password else "editor")
    if serve.editor_password:
        found[serve.editor_username] = (serve.editor_password, "editor")
    for name, user in serve.users.items():
        found[name] = (user.password, user.role)
    return found


class Backoff:
    """Failed sign-ins per client: after n failures the next attempt waits
    base * 2^(n-1) seconds (capped); a success clears the count."""

    def __init__(self, base_s: float, max_s: float) -> None:
        self.base_s = base_s
        self.max_s = max_s
        self._failures: dict[str, tuple[int, float]] = {}  # client -> (count, not before)
        self._lock = threading.Lock()

    def wait_s(self, client: str) -> float:
        with self._lock:
            _, not_before = self._failures.get(client, (0, 0.0))
        return max(0.0, not_before - time.monotonic())

    def failed(self, client: str) -> None:
        with self._lock:
            count = self._failures.get(client, (0, 0.0))[0] + 1
            delay = min(self.max_s, self.base_s * 2 ** (count - 1))
            self._failures[client] = (count, time.monotonic() + delay)

    def succeeded(self, client: str) -> None:
        with self._lock:
            self._failures.pop(client, None)


class Access:
    """Accounts, live sessions and tokens for one server."""

    COOKIE = "aa_session"

    def __init__(self, serve: ServeSettings) -> None:
        self._sessions: dict[str, tuple[Identity, float]] = {}
        self._lock = threading.Lock()
        self.configure(serve)

    def configure(self, serve: ServeSettings) -> None:
        """(Re)read the accounts and rules: the app is built with the archive's settings,
        and the server may be launched with others (a port, a password); those count."""
        self._accounts = accounts(serve)
        self._tokens = dict(serve.tokens)
        unknown = sorted(user for user in self._tokens.values() if user not in self._accounts)
        if unknown:
            raise AssistantError(
                f"serve.tokens names user(s) with no account: {', '.join(unknown)}.",
                hint="Map each token to serve.username, serve.editor_username or a name "
                "in serve.users.",
            )
        self.session_s = serve.session_hours * 3600
        self.backoff = Backoff(serve.login_backoff_s, serve.login_backoff_max_s)
        self.ingest_roots = [Path(root).expanduser().resolve() for root in serve.ingest_roots]
        with self._lock:
            self._sessions.clear()

    @property
    def enabled(self) -> bool:
        """True when the server asks for a sign-in (some password is configured)."""
        return bool(self._accounts)

    def _identity(self, user: str) -> Identity:
        return Identity(user, self._accounts[user][1])

    # --- sign-in ------------------------------------------------------------------------
    def login(self, user: str, password: str, client: str) -> str:
        """A new session token, or LoginRefused. Attempts during a back-off are refused
        without checking the password, so guessing costs the guesser time."""
        wait = self.backoff.wait_s(client)
        if wait > 0:
            raise LoginRefused("Too many failed sign-ins from this address.", wait)
        known = self._accounts.get(user.strip())
        # Compare even for an unknown user, so timing does not reveal which names exist.
        expected = known[0] if known else secrets.token_hex(16)
        if not hmac.compare_digest(password.encode(), expected.encode()) or known is None:
            self.backoff.failed(client)
            raise LoginRefused("Wrong user name or password.")
        self.backoff.succeeded(client)
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._sessions[token] = (
                self._identity(user.strip()),
                time.monotonic() + self.session_s,
            )
        return token

    def logout(self, token: str) -> None:
        with self._lock:
            self._sessions.pop(token, None)

    def session(self, token: str | None) -> Identity | None:
        if not token:
            return None
        with self._lock:
            found = self._sessions.get(token)
            if found is None:
                return None
            if found[1] < time.monotonic():
                del self._sessions[token]
                return None
            return found[0]

    def bearer(self, token: str | None) -> Identity | None:
        """An API token from serve.tokens, or a session token sent as a bearer token."""
        if not token:
            return None
        for known, user in self._tokens.items():
            if hmac.compare_digest(token.encode(), known.encode()):
                return self._identity(user)
        return self.session(token)

    def anonymous(self) -> Identity | None:
        """Who a request without credentials is: the (single) user of an open server, or
        nobody when sign-in is on."""
        return None if self.enabled else Identity("", "editor")

    def role_of(self, user: str | None) -> Role | None:
        if not self.enabled:
            return "editor"
        return self._accounts[user][1] if user in self._accounts else None

    # --- what an editor may do ----------------------------------------------------------
    def require_editor(self, user: str | None, action: str) -> None:
        if self.role_of(user) != "editor":
            raise AssistantError(
                f"{action} is for editors; you are signed in as a reader.",
                hint="Sign in with an editor account.",
            )

    def ingest_folder(self, user: str | None, folder: str) -> Path:
        """The folder to ingest, resolved, if this user may ingest it from the app."""
        if not self.enabled:
            raise AssistantError(
                "Ingesting from the app needs a signed-in editor, and this server has no sign-in.",
                hint="Set serve.editor_password (or serve.password) and serve.ingest_roots, "
                "or use the command line: `assistant ingest FOLDER`.",
            )
        self.require_editor(user, "Ingesting")
        if not self.ingest_roots:
            raise AssistantError(
                "This server allows no folders to be ingested from the app.",
                hint="List them in serve.ingest_roots, or use `assistant ingest FOLDER`.",
            )
        root = Path(folder.strip()).expanduser() if folder and folder.strip() else None
        if root is None or not root.is_dir():
            raise AssistantError(
                f"'{folder}' is not a folder on this machine.",
                hint="Give the full path of a folder to ingest.",
            )
        resolved = root.resolve()  # symlinks and '..' resolved before the check
        if not any(
            resolved == allowed or allowed in resolved.parents for allowed in self.ingest_roots
        ):
            allowed_text = ", ".join(str(path) for path in self.ingest_roots)
            raise AssistantError(
                f"'{folder}' is outside the folders this server ingests from.",
                hint=f"Put it under one of: {allowed_text} (serve.ingest_roots).",
            )
        return resolved
