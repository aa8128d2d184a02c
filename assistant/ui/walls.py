"""The server's outer wall: one ASGI middleware in front of every route (the app, Gradio's
API, archive files, the HTTP API).

In order, for every request:
1. Host must be an allowed name (loopback by default): a DNS-rebinding page reaches the
   server under its own name and is refused here.
2. Origin, when a browser sends one, must be the server's own (or serve.allowed_origins);
   a cross-site request that is not a top-level navigation is refused too.
3. A signed-in session (cookie), a bearer token, or an open server; otherwise a browser
   page goes to the sign-in form and anything else gets 401. Only /login is public.
   Failed sign-ins back off per client (assistant/ui/access.py), the client being the
   X-Forwarded-For address when a trusted proxy sends it (ui/client_address.py).
4. Responses carry no CORS grants at all (the app needs none: it is same-origin), and
   archive files that a browser would run (HTML, SVG, XML, scripts) come as attachments
   under `Content-Security-Policy: sandbox`, never as live pages of the app's origin.
"""

from __future__ import annotations

import json
from html import escape
from urllib.parse import parse_qs, quote, urlsplit

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.config import ServeSettings
from assistant.ui.access import Access, Identity, LoginRefused
from assistant.ui.client_address import client_address, trusted_networks

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
IDENTITY_KEY = "assistant.identity"  # where the request's Identity is kept in the scope
# Routes that serve archive (or uploaded) files.
FILE_PREFIXES = ("/gradio_api/file", "/file=", "/api/assets", "/api/media")
# Types a browser would execute as a page of our origin; served as sandboxed downloads.
ACTIVE_TYPES = (
    "text/html",
    "application/xhtml",
    "image/svg",
    "text/xml",
    "application/xml",
    "javascript",
    "ecmascript",
    "application/x-shockwave",
    "text/xsl",
    "multipart/x-mixed-replace",
)
# Files the browser shows or plays itself; everything else gets the sandbox policy too.
INLINE_TYPES = (
    "image/jpeg",
    "image/png",
    "image/gif",
    "image/webp",
    "image/bmp",
    "image/avif",
    "audio/",
    "video/",
    "text/plain",
    "application/pdf",
)
MAX_LOGIN_BODY = 16_384


def allowed_hosts(serve: ServeSettings) -> frozenset[str]:
    names = set(LOOPBACK_HOSTS) | {name.lower() for name in serve.allowed_hosts}
    if serve.host not in ("0.0.0.0", "::", ""):
        names.add(serve.host.lower())
    return frozenset(names)


def host_name(host: str) -> str:
    """'[::1]:7860' -> '::1', 'Example.org:80' -> 'example.org'."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    if host.count(":") > 1:  # a bare IPv6 address
        return host
    return host.rsplit(":", 1)[0] if ":" in host else host


class Walls:
    def __init__(
        self,
        app: ASGIApp,
        *,
        access: Access,
        hosts: frozenset[str],
        origins: frozenset[str] = frozenset(),
        trusted_proxies: tuple[str, ...] = (),
    ) -> None:
        self.app = app
        self.proxies = trusted_networks(trusted_proxies)
        self.access = access
        self.hosts = hosts
        self.origins = frozenset(origin.rstrip("/").lower() for origin in origins)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        refusal = self._refusal(scope, headers)
        if refusal is not None:
            await _respond(scope, send, *refusal)
            return
        path = scope["path"]
        if path.rstrip("/") == "/login":
            await self._login_route(scope, receive, send, headers)
            return
        identity = self._identify(headers)
        if path.rstrip("/") == "/logout":
            self.access.logout(_cookie(headers, Access.COOKIE) or "")
            await _respond(
                scope,
                send,
                303,
                b"",
                [
                    (b"location", b"/login"),
                    (b"set-cookie", f"{Access.COOKIE}=; Path=/; Max-Age=0".encode()),
                ],
            )
            return
        if identity is None:
            await self._unauthenticated(scope, send, headers)
            return
        scope[IDENTITY_KEY] = identity
        await self.app(scope, receive, _guarded_send(send, path))

    # --- checks -------------------------------------------------------------------------
    def _refusal(self, scope: Scope, headers: Headers) -> tuple[int, bytes] | None:
        host = headers.get("host", "")
        if host_name(host) not in self.hosts:
            return 421, b"This server does not answer to that host name (serve.allowed_hosts)."
        origin = headers.get("origin")
        if origin is not None and not self._origin_ok(origin, host, scope):
            return 403, b"Cross-origin requests are refused."
        fetch_site = headers.get("sec-fetch-site")
        if fetch_site == "cross-site" and headers.get("sec-fetch-mode") != "navigate":
            return 403, b"Cross-site requests are refused."
        return None

    def _origin_ok(self, origin: str, host: str, scope: Scope) -> bool:
        origin = origin.rstrip("/").lower()
        if origin in self.origins:
            return True
        parts = urlsplit(origin)
        scheme = "https" if scope.get("scheme") in ("https", "wss") else "http"
        # Same origin: the page was loaded from this very host and port.
        return parts.scheme == scheme and parts.netloc == host.strip().lower()

    def _identify(self, headers: Headers) -> Identity | None:
        authorization = headers.get("authorization", "")
        if authorization.lower().startswith("bearer "):
            return self.access.bearer(authorization[7:].strip())
        found = self.access.session(_cookie(headers, Access.COOKIE))
        return found if found is not None else self.access.anonymous()

    # --- sign-in ------------------------------------------------------------------------
    async def _unauthenticated(self, scope: Scope, send: Send, headers: Headers) -> None:
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        wants_page = scope["method"] in ("GET", "HEAD") and "text/html" in headers.get("accept", "")
        if wants_page:
            target = scope["path"] + (
                f"?{scope['query_string'].decode()}" if scope.get("query_string") else ""
            )
            location = "/login?next=" + quote(target, safe="")
            await _respond(scope, send, 303, b"", [(b"location", location.encode())])
            return
        body = json.dumps(
            {
                "error": "Sign in first: POST /login (username, password), "
                "or send Authorization: Bearer TOKEN."
            }
        ).encode()
        await _respond(
            scope,
            send,
            401,
            body,
            [(b"content-type", b"application/json"), (b"www-authenticate", b"Bearer")],
        )

    async def _login_route(
        self, scope: Scope, receive: Receive, send: Send, headers: Headers
    ) -> None:
        query = parse_qs(scope.get("query_string", b"").decode())
        next_path = _safe_next(query.get("next", ["/"])[0])
        if scope["type"] != "http":
            await send({"type": "websocket.close", "code": 1008})
            return
        if not self.access.enabled:
            await _respond(scope, send, 303, b"", [(b"location", next_path.encode())])
            return
        if scope["method"] != "POST":
            await _respond(
                scope,
                send,
                200,
                login_page(next_path),
                [(b"content-type", b"text/html; charset=utf-8")],
            )
            return
        form = await _read_form(receive)
        client = client_address(scope, self.proxies)
        browser = "text/html" in headers.get("accept", "")
        next_path = _safe_next(form.get("next", next_path))
        try:
            token = self.access.login(form.get("username", ""), form.get("password", ""), client)
        except LoginRefused as exc:
            status = 429 if exc.retry_after_s else 401
            extra = (
                [(b"retry-after", str(int(exc.retry_after_s) + 1).encode())]
                if exc.retry_after_s
                else []
            )
            if browser:
                await _respond(
                    scope,
                    send,
                    status,
                    login_page(next_path, exc.message),
                    [(b"content-type", b"text/html; charset=utf-8"), *extra],
                )
            else:
                await _respond(
                    scope,
                    send,
                    status,
                    json.dumps({"error": exc.message}).encode(),
                    [(b"content-type", b"application/json"), *extra],
                )
            return
        cookie = (
            f"{Access.COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; "
            f"Max-Age={int(self.access.session_s)}"
        ).encode()
        if browser:
            await _respond(
                scope, send, 303, b"", [(b"location", next_path.encode()), (b"set-cookie", cookie)]
            )
        else:
            await _respond(
                scope,
                send,
                200,
                b'{"success": true}',
                [(b"content-type", b"application/json"), (b"set-cookie", cookie)],
            )


def _guarded_send(send: Send, path: str) -> Send:
    """Strip CORS grants; make archive files inert; a few headers every page should have."""
    is_file = path.startswith(FILE_PREFIXES)

    async def guarded(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = MutableHeaders(scope=message)
            for name in [key for key in headers if key.startswith("access-control-")]:
                del headers[name]
            headers["x-content-type-options"] = "nosniff"
            headers["referrer-policy"] = "same-origin"
            headers.setdefault("x-frame-options", "SAMEORIGIN")
            if is_file:
                kind = headers.get("content-type", "").lower()
                if not kind.startswith(INLINE_TYPES) or any(t in kind for t in ACTIVE_TYPES):
                    headers["content-security-policy"] = "sandbox"
                if any(t in kind for t in ACTIVE_TYPES):
                    headers["content-disposition"] = "attachment"
        await send(message)

    return guarded


def _cookie(headers: Headers, name: str) -> str | None:
    for part in headers.get("cookie", "").split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return None


def _safe_next(target: str) -> str:
    """Only a path on this server (no '//host' or 'scheme:' open redirects)."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


async def _read_form(receive: Receive) -> dict[str, str]:
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if len(body) > MAX_LOGIN_BODY or not message.get("more_body"):
            break
    fields = parse_qs(body[:MAX_LOGIN_BODY].decode("utf-8", "replace"))
    return {key: values[0] for key, values in fields.items()}


async def _respond(
    scope: Scope,
    send: Send,
    status: int,
    body: bytes,
    headers: list[tuple[bytes, bytes]] | None = None,
) -> None:
    if scope["type"] == "websocket":
        await send({"type": "websocket.close", "code": 1008})
        return
    headers = list(headers or [(b"content-type", b"text/plain; charset=utf-8")])
    headers += [
        (b"content-length", str(len(body)).encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"cache-control", b"no-store"),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body if scope["method"] != "HEAD" else b""})


def login_page(next_path: str, error: str = "") -> bytes:
    message = f'<p class="error">{escape(error)}</p>' if error else ""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Archive Assistant — sign in</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{{font-family:system-ui,sans-serif;background:#f4f5fb;display:flex;
justify-content:center;margin-top:12vh}}form{{background:#fff;padding:2rem 2.5rem;
border-radius:12px;box-shadow:0 2px 12px #0002;min-width:18rem}}label{{display:block;
margin:.8rem 0 .3rem}}input{{width:100%;padding:.5rem;box-sizing:border-box}}
button{{margin-top:1.2rem;width:100%;padding:.6rem;background:#4f46e5;color:#fff;
border:0;border-radius:6px}}.error{{color:#b91c1c}}</style></head>
<body><form method="post" action="/login"><h1>Archive Assistant</h1>{message}
<input type="hidden" name="next" value="{escape(next_path)}">
<label for="u">User name</label><input id="u" name="username" autocomplete="username" required>
<label for="p">Password</label><input id="p" name="password" type="password"
autocomplete="current-password" required>
<button type="submit">Sign in</button></form></body></html>""".encode()


def identity_of(scope: Scope) -> Identity | None:
    found = scope.get(IDENTITY_KEY)
    return found if isinstance(found, Identity) else None
