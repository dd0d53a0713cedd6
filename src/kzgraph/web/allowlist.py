"""Which endpoints a query or update may call (the SSRF check on the text): SERVICE and LOAD
only to the allowlist, never to an endpoint named by a variable. The egress sandbox
(``egress.py``) stops what a misread text would let through; this check gives the client a
clear 400 first."""

from __future__ import annotations

import re

from kzgraph.namespaces import PREDEFINED, WIKIBASE
from kzgraph.settings import Settings
from kzgraph.sparql_text import QueryTextError, called_iris
from kzgraph.web.errors import HTTPProblem

LABEL_SERVICE = WIKIBASE + "label"


def check_calls(
    text: str, settings: Settings, keywords: tuple[str, ...] = ("SERVICE", "LOAD")
) -> bool:
    """Refuse SERVICE and LOAD to anything but the allowlist: an open SERVICE lets any
    anonymous user make the server request internal addresses (SSRF). True when the
    query calls another endpoint."""
    lowered = text.lower()
    if not any(keyword.lower() in lowered for keyword in keywords):
        return False
    try:
        calls = [call for call in called_iris(text, PREDEFINED) if call[0] in keywords]
    except QueryTextError as exc:
        raise HTTPProblem(400, str(exc)) from exc
    for keyword, iri in calls:
        if keyword == "SERVICE" and iri == LABEL_SERVICE:
            continue
        if iri.startswith(("?", "$")):
            raise HTTPProblem(
                400,
                f"SERVICE with a variable endpoint ({iri}) is not allowed: name an allowlisted endpoint",
            )
        if iri not in settings.service_allowlist:
            raise HTTPProblem(
                400,
                f"{keyword} <{iri}> is not allowed: this server only calls the endpoints on its "
                f"allowlist ({', '.join(settings.service_allowlist) or 'none'}); an operator can add one "
                "with KZGRAPH_SERVICE_ALLOWLIST",
            )
    return any(keyword == "SERVICE" and iri != LABEL_SERVICE for keyword, iri in calls)


NOT_ALLOWED = (
    "this request tried to call an endpoint that is not on the allowlist; SERVICE and LOAD "
    "may only name the allowlisted endpoints (see the service description, GET /sparql)"
)


MIGHT_CALL = re.compile(r"service|load|\\u|\\U", re.I)
