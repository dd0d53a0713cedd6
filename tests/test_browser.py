"""The query UI and pages in a real browser (Debian's chromium, driven by Playwright)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kzgraph.settings import PROJECT_ROOT

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
YASGUI = PROJECT_ROOT / "src" / "kzgraph" / "web" / "static" / "yasgui" / "yasgui.min.js"
ARTIFACTS = PROJECT_ROOT / "test-artifacts"

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)"
)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


def shot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.mark.skipif(not YASGUI.exists(), reason="YASGUI not installed (make install runs npm)")
def test_query_editor_runs_a_query_and_shows_the_table(browser, live):
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(live.url, wait_until="networkidle")
    page.wait_for_selector(".yasqe .CodeMirror")
    query = "SELECT ?chamber ?seats WHERE { ?chamber wdt:P1342 ?seats } ORDER BY ?seats"
    page.evaluate("q => window.kzgraphYasgui.getTab().setQuery(q)", query)
    page.click(".yasqe_queryButton")
    page.wait_for_selector(".yasr table.dataTable tbody tr")
    cells = page.inner_text(".yasr table.dataTable tbody")
    assert "majilis" in cells and "98" in cells and "49" in cells and "50" in cells
    shot(page, "query-editor")
    assert errors == []


def test_canned_query_page_renders_results(browser, live):
    page = browser.new_page()
    page.goto(live.url + "queries/composition-on-date?date=2020-06-01", wait_until="load")
    text = page.inner_text("table")
    assert "Amanat" in text and "84" in text
    page.fill("input[name=date]", "2024-01-01")
    page.click("button")
    page.wait_for_load_state("load")
    assert "62" in page.inner_text("table")
    shot(page, "canned-query")


def test_chamber_page_seat_diagram_has_one_mark_per_seat(browser, live):
    page = browser.new_page()
    page.goto(live.url + "entity/majilis", wait_until="load")
    seats = page.locator("svg.hemicycle circle.seat").count()
    declared = page.evaluate(
        "() => [...document.querySelectorAll('.legend li')].reduce((n, li) => n + parseInt(li.textContent.split(':').pop()), 0)"
    )
    assert seats == declared == 98
    assert page.locator("svg.hemicycle").bounding_box()["width"] > 200
    shot(page, "chamber-page")


def test_entity_page_shows_quotations_and_conflicts(browser, live):
    page = browser.new_page()
    page.goto(live.url + "entity/senate", wait_until="load")
    assert page.locator(".conflict").count() == 2
    assert (
        "consists of 50 deputies" in page.inner_text("mark >> nth=0")
        or page.locator("mark", has_text="50 deputies").count() == 1
    )
    shot(page, "entity-page")


def test_source_view_links_evidence_to_statements(browser, live):
    page = browser.new_page()
    page.goto(live.url + "source/parliament-of-kazakhstan", wait_until="load")
    marks = page.locator("pre.source a.evidence")
    assert marks.count() > 50
    marks.first.click()
    page.wait_for_load_state("load")
    assert "/entity/" in page.url
    shot(page, "source-view")
