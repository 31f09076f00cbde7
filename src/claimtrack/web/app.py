"""The web view: a Starlette application over one ledger, opened read-only.

Every page is also JSON: add ``.json`` to its path, or send ``Accept:
application/json``. Pages are rendered by Jinja2 with autoescaping, so article
text and query values always arrive as text; the Content-Security-Policy allows
scripts from this server only (no inline script, no eval: the charts run Vega
with its expression interpreter). SQL is parameterized in the ledger layer.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jinja2
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from claimtrack import __version__
from claimtrack import lexicons as lexicons_mod
from claimtrack.ledger import Ledger, pg
from claimtrack.output import date_label
from claimtrack.web import pages

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


class _SecurityHeaders(BaseHTTPMiddleware):
    async def dispatch(
        self, request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        return response


def _package_dir(name: str) -> Path:
    return Path(str(resources.files("claimtrack.web") / name))


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(_package_dir("templates")),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["dates"] = lambda st: date_label(st, precision=True) or "undated"
    env.filters["json_script"] = dumps
    env.globals["version"] = __version__
    return env


def create_app(db: str | Path, lexicons: lexicons_mod.Lexicons | None = None) -> Starlette:
    """The web application for the ledger at ``db``.

    The ledger is checked now (``LedgerError`` / ``SchemaVersionError`` for a
    missing file, not a ledger, or another schema version) and opened read-only
    once per request, so a page always shows what is stored at that moment.
    """
    path: str | Path = db if pg.is_url(db) else Path(db)
    lex = lexicons or lexicons_mod.load()
    shown = Ledger(path, lex, read_only=True)
    shown.close()
    env = _environment()

    def ledger() -> Ledger:
        return Ledger(path, lex, read_only=True)

    def respond(
        request: Request, template: str, data: dict[str, Any], status: int = 200
    ) -> Response:
        if _wants_json(request):
            return JSONResponse(data, status_code=status)
        html = env.get_template(template).render(
            data=data, request=request, query=_query(request), ledger_path=str(shown.path)
        )
        return HTMLResponse(html, status_code=status)

    def listing(
        builder: Callable[..., dict[str, Any]], template: str, *extra: str
    ) -> Callable[[Request], Response]:
        def endpoint(request: Request) -> Response:
            f = _filters(request)
            page, per_page = _page(request)
            with ledger() as led:
                data = builder(led, *extra, f, page, per_page)
            return respond(request, template, data)

        return endpoint

    def home(request: Request) -> Response:
        with ledger() as led:
            return respond(request, "home.html", pages.home(led))

    def detail(
        builder: Callable[[Ledger, str], dict[str, Any] | None], template: str, what: str
    ) -> Callable[[Request], Response]:
        """A page about one thing, named by the path's ``{id}``; 404 when the ledger lacks it."""

        def endpoint(request: Request) -> Response:
            ident = request.path_params["id"]
            with ledger() as led:
                data = builder(led, ident)
            if data is None:
                raise HTTPException(404, f"no {what} {ident!r} in this ledger")
            return respond(request, template, data)

        return endpoint

    def error(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        detail = exc.detail if isinstance(exc, HTTPException) else "internal error"
        return respond(request, "error.html", {"status": status, "error": detail}, status)

    routes: list[BaseRoute] = []
    for pattern, endpoint in (
        ("/", home),
        ("/articles", listing(pages.articles, "articles.html")),
        ("/articles/{id}", detail(pages.article, "article.html", "article")),
        ("/actors", listing(pages.actors, "actors.html")),
        ("/actors/{id}", detail(pages.actor, "actor.html", "actor")),
        ("/propositions", listing(pages.propositions, "propositions.html")),
        ("/propositions/{id}", detail(pages.proposition, "proposition.html", "proposition")),
        ("/disputes", listing(pages.groups, "groups.html", "disputes")),
        ("/corroborations", listing(pages.groups, "groups.html", "corroborations")),
    ):
        json_pattern = "/index.json" if pattern == "/" else pattern + ".json"
        routes.append(
            Route(json_pattern, endpoint)
        )  # before the pattern: "{id}" would take ".json"
        routes.append(Route(pattern, endpoint))
    routes.append(Mount("/static", StaticFiles(directory=_package_dir("static")), name="static"))
    routes.append(Route("/favicon.ico", lambda request: RedirectResponse("/static/favicon.svg")))
    return Starlette(
        routes=routes,
        middleware=[Middleware(_SecurityHeaders)],
        exception_handlers={HTTPException: error, Exception: error},
    )


def _wants_json(request: Request) -> bool:
    if request.url.path.endswith(".json"):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def _query(request: Request) -> Callable[..., str]:
    """``query(page=2)``: this page's query string with some values replaced."""

    def query(**changes: Any) -> str:
        params = {k: v for k, v in request.query_params.items() if v}
        params.update({k: str(v) for k, v in changes.items() if v is not None})
        return "?" + urlencode(params) if params else ""

    return query


def _filters(request: Request) -> pages.Filters:
    q = request.query_params
    return pages.Filters(
        q=q.get("q") or None,
        since=_date(q, "since"),
        until=_date(q, "until"),
        side=q.get("side") or None,
        place=q.get("place") or None,
        actor=q.get("actor") or None,
    )


def _date(q: Mapping[str, str], name: str) -> date | None:
    value = q.get(name)
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise HTTPException(400, f"{name}: {value!r} is not a date (YYYY-MM-DD)") from None


def _page(request: Request) -> tuple[int, int]:
    q = request.query_params
    try:
        page = int(q.get("page") or 1)
        per_page = int(q.get("per_page") or pages.PER_PAGE)
    except ValueError:
        raise HTTPException(400, "page and per_page must be whole numbers") from None
    if page < 1 or not 1 <= per_page <= pages.MAX_PER_PAGE:
        raise HTTPException(400, f"page must be 1 or more and per_page 1 to {pages.MAX_PER_PAGE}")
    return page, per_page


def dumps(data: Any) -> str:
    """JSON for a ``<script type="application/json">`` block: "<", ">" and "&" escaped, so no
    text in it can close the element."""
    return json.dumps(data).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
