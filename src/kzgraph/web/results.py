"""Query results as a table people read: labels linked to local pages (the IRI one click
away to copy), dates at their precision, quotations with room and their words marked,
character offsets folded into one column.

Conventions read from the column names, so a canned query says how it wants to be shown:
``?x`` with ``?xLabel`` shows the label for ``x``; ``?xPrecision`` is the Wikibase time
precision of the date ``?x``; ``?fooStart``/``?fooEnd`` pairs are offsets; ``?quote`` with
``?words`` is a quotation and the words in it that state the fact.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox
from markupsafe import Markup, escape

from kzgraph.ontology import load as load_ontology
from kzgraph.web import dates, terms

Cell = ox.NamedNode | ox.Literal | ox.BlankNode | None


@dataclass
class Table:
    headers: list[str]
    rows: list[list[Markup]] = field(default_factory=list)
    wide: set[int] = field(default_factory=set)  # columns of running text


@dataclass
class Layout:
    """Which result columns become which table columns."""

    shown: list[str]
    label_of: dict[str, str]  # column -> its label column
    precision_of: dict[str, str]  # column -> its precision column
    offsets: list[tuple[str, str, str]]  # (name, start column, end column)
    quote: str | None
    words: str | None


def layout(columns: list[str]) -> Layout:
    present = set(columns)
    label_of = {c: f"{c}Label" for c in columns if f"{c}Label" in present}
    if "label" in present and columns[0] != "label" and columns[0] not in label_of:
        label_of[columns[0]] = "label"  # ?entity ?label: the label names the first column
    precision_of = {c: f"{c}Precision" for c in columns if f"{c}Precision" in present}
    offsets = [
        (c.removesuffix("Start"), c, c.removesuffix("Start") + "End")
        for c in columns
        if c.endswith("Start") and c.removesuffix("Start") + "End" in present
    ]
    quote = "quote" if "quote" in present else None
    words = "words" if quote and "words" in present else None
    hidden = set(label_of.values()) | set(precision_of.values()) | {words}
    hidden |= {c for _, s, e in offsets for c in (s, e)}
    shown = [c for c in columns if c not in hidden]
    if words:  # a provenance table: the quotation first, it is what people read
        shown = [quote] + [c for c in shown if c != quote]
    return Layout(shown, label_of, precision_of, offsets, quote, words)


def build(
    columns: list[str], rows: list[list[Cell]], base: str, label: callable, local: callable
) -> Table:
    """The table for ``rows`` (one list of cells per row, in ``columns`` order).

    ``label(iri)`` names an IRI of the dataset, ``local(iri)`` is where this server shows it."""
    plan = layout(columns)
    headers = list(plan.shown) + (["characters"] if plan.offsets else [])
    table = Table(headers, wide={i for i, c in enumerate(plan.shown) if c == plan.quote})
    for row in rows:
        values = dict(zip(columns, row, strict=False))
        cells = [cell(c, values, plan, base, label, local) for c in plan.shown]
        if plan.offsets:
            cells.append(offsets_cell(values, plan))
        table.rows.append(cells)
    return table


def cell(column: str, values: dict, plan: Layout, base: str, label, local) -> Markup:
    term = values.get(column)
    if term is None:
        return Markup("")
    if isinstance(term, ox.NamedNode):
        named = values.get(plan.label_of.get(column, ""))
        return iri_cell(term.value, named.value if named else None, base, label, local, values)
    if column == plan.quote and plan.words:
        return quotation(term.value, values, plan)
    if column == "property" and isinstance(term, ox.Literal):
        return property_name(term.value)
    precision = values.get(plan.precision_of.get(column, ""))
    date = dates.of_literal(term, precision.value if precision else None)
    if date is not None:
        return Markup('<time datetime="{}">{}</time>').format(date.iso, str(date))
    return escape(getattr(term, "value", str(term)))


def iri_cell(iri: str, name: str | None, base: str, label, local, values: dict) -> Markup:
    """A label linked to the local page (or the outside page), with a copy button."""
    if iri.startswith(base):
        href = local(iri)
        if iri.startswith(base + "source/"):  # a source: open it at the quoted words
            start = next((v for k, v in values.items() if k.endswith("Start") and v), None)
            if start is not None:
                href += f"#at-{start.value}"
        text = name or label(iri)
    else:
        href, text = iri, name or terms.term_label(iri)
    return Markup(
        '<a href="{}" title="{}">{}</a><button type="button" class="copy" data-copy="{}" '
        'title="Copy the IRI {}" aria-label="Copy the IRI"></button>'
    ).format(href, iri, text, iri, iri)


def quotation(quote: str, values: dict, plan: Layout) -> Markup:
    """The quoted sentence with the words that state the fact marked."""
    words = values.get(plan.words)
    at = quote.find(words.value) if words is not None and words.value else -1
    if at < 0:
        return Markup("<blockquote>{}</blockquote>").format(quote)
    end = at + len(words.value)
    return Markup("<blockquote>{}<mark>{}</mark>{}</blockquote>").format(
        quote[:at], quote[at:end], quote[end:]
    )


def offsets_cell(values: dict, plan: Layout) -> Markup:
    parts = []
    for name, start, end in plan.offsets:
        a, b = values.get(start), values.get(end)
        if a is not None and b is not None:
            word = "words" if name == "span" else name
            parts.append(Markup("{} {}–{}").format(word, a.value, b.value))
    return Markup("<br>").join(parts)


def property_name(name: str) -> Markup:
    """A property given by its Wikidata ID or kzo: name, as its label."""
    relations = load_ontology().relations
    if name in relations:
        return escape(relations[name].label or name)
    label = terms.wikidata_labels().get(name)
    if label:
        return Markup('{} <small class="pid">{}</small>').format(label, name)
    return escape(name)
