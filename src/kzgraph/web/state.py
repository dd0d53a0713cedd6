"""What the application holds, typed: one object in ``app.extensions["kzgraph"]`` instead of a
key per thing, so a route asks ``state().service`` and a type checker knows what it gets."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app

from kzgraph.queries import CannedQuery
from kzgraph.settings import Settings
from kzgraph.web.dataset import Dataset
from kzgraph.web.service import QueryService
from kzgraph.web.watchdog import Watchdog


@dataclass
class AppState:
    settings: Settings
    dataset: Dataset
    service: QueryService
    # The canned queries, loaded at start-up: a malformed one stops the start.
    queries: list[CannedQuery]
    watchdog: Watchdog


def state(app: Flask | None = None) -> AppState:
    """The state of ``app``, or of the application handling the current request."""
    return (app or current_app).extensions["kzgraph"]


def settings(app: Flask | None = None) -> Settings:
    return state(app).settings
