"""The server's public URL, for links in manifests, descriptions and pages."""

from __future__ import annotations

from flask import request

from kzgraph.settings import Settings
from kzgraph.web.state import settings


def root_url(environ: dict | None = None, config: Settings | None = None) -> str:
    """The server's public URL, for links in manifests, descriptions and pages.

    The configured ``public_base_url`` when there is one. Otherwise the request's own
    scheme and Host, but only a Host that names this machine (localhost or the bound
    address): any other is the client's word, and links built on it would point
    wherever the client likes. X-Forwarded-* headers count only through ProxyFix, which
    ``create_app`` installs for the configured number of proxies (``proxy_count``)."""
    config = config or (settings() if environ is None else None)
    env = environ or request.environ
    if config is not None and config.public_base_url:
        return config.public_base_url.rstrip("/") + "/"
    scheme = env.get("wsgi.url_scheme", "http")
    host = env.get("HTTP_HOST") or f"{env.get('SERVER_NAME')}:{env.get('SERVER_PORT')}"
    name = host.rsplit(":", 1)[0].strip("[]") if not host.endswith("]") else host.strip("[]")
    trusted = {"localhost", "127.0.0.1", "::1"} | ({config.host} if config is not None else set())
    if config is not None and not config.proxy_count and name not in trusted:
        host = f"{config.host}:{config.port}"
    return f"{scheme}://{host}{env.get('SCRIPT_NAME', '')}/"
