"""The query UI and pages in a real browser (Debian's chromium, driven by Playwright)."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from urllib.parse import urlencode

import pytest

from kzgraph.settings import PROJECT_ROOT

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
YASGUI = PROJECT_ROOT / "src" / "kzgraph" / "web" / "static" / "yasgui" / "yasgui.min.js"
ARTIFACTS = PROJECT_ROOT / "test-artifacts"

WIDTH = 1280  # the narrowest desktop window the pages are made for

if CHROMIUM is None and os.environ.get("CI") == "true":
    raise RuntimeError("CI needs chromium for the browser tests: apt-get install chromium")
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


@pytest.fixture
def page(browser):
    """A 1,280 px wide tab that records script errors."""
    tab = browser.new_page(viewport={"width": WIDTH, "height": 900})
    tab.errors = []
    tab.on("pageerror", lambda exc: tab.errors.append(str(exc)))
    yield tab
    tab.close()


def no_horizontal_overflow(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= WIDTH, f"{page.url} is {width} px wide at a {WIDTH} px window"


# What a person reads, without the places where identifiers belong (code, the editor,
# links to Wikidata, the small property IDs next to labels).
VISIBLE_TEXT = """() => {
  const copy = document.body.cloneNode(true);
  copy.querySelectorAll('code, pre, textarea, input, .CodeMirror, .yasr, .pid, a[href*="wikidata.org"], details')
      .forEach((e) => e.remove());
  return copy.innerText;
}"""
RAW_ID = re.compile(r"\b[QP]\d{2,}\b")
RAW_DATE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}")
# A date as pages show it: 1995, May 2007, 30 August 1995.
READABLE_DATE = re.compile(
    r"^(\d{1,2} )?((January|February|March|April|May|June|July|August|"
    r"September|October|November|December) )?\d{4}$"
)


def reads_well(page) -> str:
    """The checks every page passes: fits 1,280 px, no raw QIDs or timestamps, no script
    errors. Returns the visible text."""
    no_horizontal_overflow(page)
    text = page.evaluate(VISIBLE_TEXT)
    assert not RAW_ID.findall(text), f"{page.url} shows raw identifiers {RAW_ID.findall(text)[:5]}"
    assert not RAW_DATE.findall(text), (
        f"{page.url} shows raw timestamps {RAW_DATE.findall(text)[:3]}"
    )
    assert page.errors == []
    return text


def shot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def needs_yasgui() -> None:
    if not YASGUI.exists():
        if os.environ.get("CI") == "true":
            pytest.fail("YASGUI is not installed: make install copies it from npm")
        pytest.skip("YASGUI not installed (make install runs npm)")


def syntax_markers(page) -> int:
    return page.locator(".yasqe .parseErrorIcon").count()


def editor_text(page) -> str:
    return page.evaluate("window.kzgraphYasgui.getTab().getYasqe().getValue()")


def test_editor_opens_on_an_example_that_runs_with_compact_results(page, live):
    needs_yasgui()
    page.goto(live.url, wait_until="networkidle")
    page.wait_for_selector(".yasqe .CodeMirror")
    text = editor_text(page)
    assert text.lstrip().startswith("PREFIX") and "SELECT" in text
    # the PREFIX block is folded: the first visible lines are the query, not declarations
    lines = [t for t in page.locator(".yasqe .CodeMirror-code pre").all_inner_texts() if t.strip()]
    assert lines[0].startswith("PREFIX") and lines[1].startswith("SELECT")
    assert syntax_markers(page) == 0
    page.click(".yasqe_queryButton")
    page.wait_for_selector(".yasr table.dataTable tbody tr")
    cells = page.inner_text(".yasr table.dataTable tbody")
    assert "kz:majilis" in cells and "98" in cells
    assert "https://w3id.org" not in cells and "^^" not in cells and "XMLSchema" not in cells
    # dataset IRIs open this server's entity pages
    href = page.get_attribute(".yasr table.dataTable tbody a.iri >> nth=0", "href")
    assert href.startswith("/entity/")
    no_horizontal_overflow(page)
    shot(page, "query-editor-example")
    assert page.errors == []


def test_editor_marks_an_undeclared_prefix_and_declares_known_ones(page, live):
    """The syntax check is real (an unknown prefix is marked); a query opened from a link
    gets the server's prefixes it uses, so it shows no marker."""
    needs_yasgui()
    page.goto(live.url, wait_until="networkidle")
    page.wait_for_selector(".yasqe .CodeMirror")
    page.evaluate(
        "q => window.kzgraphYasgui.getTab().getYasqe().setValue(q)",
        "SELECT * WHERE { nosuchprefix:x ?p ?o }",
    )
    page.wait_for_timeout(200)
    assert syntax_markers(page) == 1
    query = "SELECT ?n WHERE { kz:majilis wdt:P1342 ?n }"
    page.goto(live.url + "?" + urlencode({"query": query}), wait_until="networkidle")
    page.wait_for_selector(".yasqe .CodeMirror")
    assert "PREFIX kz: <https://w3id.org/kzgraph/entity/>" in editor_text(page)
    assert syntax_markers(page) == 0


def test_open_in_the_editor_keeps_prefixes(page, live):
    needs_yasgui()
    page.goto(live.url, wait_until="networkidle")
    links = page.locator("a.open-example")
    assert links.count() > 0
    for i in range(links.count()):
        query = links.nth(i).get_attribute("data-query")
        links.nth(i).click()
        page.wait_for_function(
            "q => window.kzgraphYasgui.getTab().getYasqe().getValue().includes(q)", arg=query
        )
        page.wait_for_timeout(200)  # the editor marks syntax errors after it parses
        text = editor_text(page)
        assert "PREFIX " in text, text  # the prefixes it uses, declared
        assert syntax_markers(page) == 0, text


def test_query_editor_runs_a_query_and_shows_the_table(browser, live):
    needs_yasgui()
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(live.url, wait_until="networkidle")
    page.wait_for_selector(".yasqe .CodeMirror")
    query = "SELECT ?chamber ?seats WHERE { ?chamber wdt:P1342 ?seats } ORDER BY ?seats"
    page.evaluate("q => { window.kzgraphYasgui.getTab().setQuery(q); }", query)
    page.click(".yasqe_queryButton")
    page.wait_for_selector(".yasr table.dataTable tbody tr")
    cells = page.inner_text(".yasr table.dataTable tbody")
    assert "kz:majilis" in cells and "98" in cells and "49" in cells and "50" in cells
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
    assert page.locator("mark", has_text="50 deputies").count() >= 1
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


PAGE_KINDS = [
    ("home", "", "The Parliament of Kazakhstan as a knowledge graph"),
    ("service-description", "sparql", "Result formats"),
    ("entity-chamber", "entity/majilis", "Seats"),
    ("entity-senate", "entity/senate", "What the graph knows"),
    ("entity-legislature", "entity/parliament-of-kazakhstan", "Timeline"),
    ("entity-person", "entity/maulen-ashimbayev", "Statements"),
    ("entity-missing", "entity/no-such-entity", "Search for"),
    ("canned-queries", "queries", "Canned queries"),
    ("canned-provenance", "queries/entity-provenance", "characters"),
    ("canned-find-entity", "queries/find-entity?name=nazarbayev", "Nursultan Nazarbayev"),
    ("canned-timeline", "queries/timeline", "first session"),
    ("canned-office-holders", "queries/office-holders", "Mäulen Äşimbaev"),
    ("canned-elections", "queries/chamber-elections", "2016 Mäjilis election"),
    ("ontology", "ontology", "lower house"),
    ("void", ".well-known/void", "Classes"),
    ("reconciliation", "reconcile", "OpenRefine"),
    ("reconciliation-preview", "reconcile/preview?id=majilis", "lower house"),
    ("source", "source/parliament-of-kazakhstan", "Highlighted"),
    ("error", "queries/no-such-query", "Where to go from here"),
    ("api", "openapi", "Parameter"),
    ("dumps", "dumps/", "Dumps"),
]


@pytest.mark.parametrize("name, path, says", PAGE_KINDS, ids=[k[0] for k in PAGE_KINDS])
def test_each_page_kind_reads_well_at_1280_px(page, live, name, path, says):
    page.goto(live.url + path, wait_until="networkidle")
    text = reads_well(page)
    assert says in text
    shot(page, f"page-{name}")


def column(page, header: str) -> list[str]:
    """The cells of a result table's column, by its header."""
    headers = page.locator("table.results tr >> nth=0").locator("th").all_inner_texts()
    i = headers.index(header) + 1
    return page.locator(f"table.results tr td:nth-child({i})").all_inner_texts()


def test_dates_read_at_their_precision_and_in_order(page, live):
    page.goto(live.url + "queries/timeline", wait_until="load")
    when = column(page, "when")
    assert when and all(READABLE_DATE.match(w) for w in when), when
    assert "1995" in when and "30 August 1995" in when and "December 1993" in when
    # "established in 1995" is not placed before the referendum of 30 August 1995
    kinds = column(page, "kind")
    rows = list(zip(when, kinds, strict=True))
    assert rows.index(("30 August 1995", "referendum")) < rows.index(("1995", "established"))
    page.goto(live.url + "entity/parliament-of-kazakhstan", wait_until="load")
    timeline = page.locator("table.timeline tr td:first-child").all_inner_texts()
    assert timeline and all(READABLE_DATE.match(w) for w in timeline), timeline
    assert "30 January 1996" in timeline
    shot(page, "dates-timeline")


def test_labels_instead_of_identifiers(page, live):
    page.goto(live.url + "entity/majilis", wait_until="load")
    instance = page.locator("#p-instanceOf").locator("xpath=following-sibling::ul[1]")
    assert "lower house" in instance.inner_text()
    page.goto(live.url + "queries/office-holders", wait_until="load")
    link = page.locator("table.results a", has_text="Mäulen Äşimbaev").first
    assert link.get_attribute("href") == "/entity/maulen-ashimbayev"
    copy = link.locator("xpath=following-sibling::button[1]")
    assert copy.get_attribute("data-copy") == "https://w3id.org/kzgraph/entity/maulen-ashimbayev"
    link.click()
    page.wait_for_load_state("load")
    assert page.url.endswith("/entity/maulen-ashimbayev")


def test_provenance_table_gives_the_quotation_room(page, live):
    page.goto(live.url + "queries/entity-provenance", wait_until="load")
    headers = page.locator("table.results th").all_inner_texts()
    assert headers[0] == "quote" and headers[-1] == "characters"
    quote = page.locator("table.results td.text").first.bounding_box()
    assert quote["width"] >= 400  # room to read, not ten characters
    box = page.locator("table.results").bounding_box()
    assert box["x"] + box["width"] <= WIDTH
    shot(page, "provenance-table")
