"""The site's HTML pages: index, data dictionary, tables, article readers, entity pages.

Each function returns one page as a string; :mod:`bdigest_data.website.build` writes them.
Links follow the foreign keys (:class:`~bdigest_data.website.content.SiteData`); every fact
row has an element whose id is its primary key on its article's page (the highlight) and
on its table's page (the row), each linking to the other.
"""

from __future__ import annotations

import functools
import re
from pathlib import PurePosixPath
from typing import Any

from bdigest_data.edtf import words
from bdigest_data.metadata.discovery import schema_org, script_json
from bdigest_data.website.content import Article, Document, SiteData, Table, slug
from bdigest_data.website.coverage import COUNTS
from bdigest_data.website.layout import a, code, esc, rel, site_page
from bdigest_data.website.reader import ArticleRenderer, DocRenderer, Span

# fields a fact card does not repeat (the quote is the highlight itself)
_CARD_SKIP = {"quote"}
_BASIS = "value_basis"
_DERIVED = "derived_fields"
_BASIS_NOTE = "basis_note"
_CORRECTION = "correction_note"


def _derived(row: dict[str, str]) -> set[str]:
    return {n for n in row.get(_DERIVED, "").split(";") if n}


def is_derived(row: dict[str, str]) -> bool:
    """The row rests on an inference or computation (``value_basis`` not ``stated``)."""
    return bool(row.get(_BASIS)) and row[_BASIS] != "stated"


def when(table: Table, name: str, value: str) -> str:
    """An EDTF date in words with its code (``summer 2011 (2011-22)``) as HTML; any other
    value escaped."""
    field = table.schema.field(name)
    if not (value and field is not None and field.edtf):
        return esc(value)
    said = words(value)
    return esc(said) if said == value else f'{esc(said)} <span class="edtf">({esc(value)})</span>'


def cell(data: SiteData, table: Table, name: str, value: str, depth: int,
         row: dict[str, str] | None = None) -> str:
    """One value as HTML: a link when its field is a foreign key, or names a row of the
    table another field of ``row`` names (an event link's ``from_id``). An actor, person or
    place is shown by its name, its code after it in small print (``Belarus BLR``); a
    reference to another table by its code, its name on hover."""
    target = row.get(table.row_refs.get(name, ""), "") if row else ""
    if value and target in data.tables:
        return a(rel(depth) + data.href(target, value), esc(value))
    link = table.links.get(name)
    if not (link and value):
        return esc(value)
    href = rel(depth) + data.href(link.table, value)
    named = data.name_of(link.table, value)
    if not named or named == value:
        return a(href, esc(value))
    if link.table in data.entity_names():
        return a(href, esc(named)) + f' <small class="code">{esc(value)}</small>'
    return a(href, esc(value), title=named)


def fact_card(data: SiteData, table: Table, i: int, depth: int, *, here: bool) -> str:
    """A fact row as a card: its fields (derived ones marked), correction, and links to its
    table row and to its highlight (``#id`` on its own article page when ``here``)."""
    row, rid = table.rows[i], table.ids[i]
    derived = _derived(row)
    items = []
    for name in table.fields:
        value = row[name]
        if not value or name in _CARD_SKIP:
            continue
        badge = (' <span class="badge derived" title="derived: see basis note">derived</span>'
                 if name in derived else "")
        cls = ' class="correction"' if name == _CORRECTION else ""
        shown = when(table, name, value) if name not in table.links else cell(
            data, table, name, value, depth)
        items.append(f"<dt>{esc(name)}</dt><dd{cls}>{shown}{badge}</dd>")
    marks = []
    if is_derived(row):
        marks.append('<span class="badge derived">derived</span>')
    if row.get(_CORRECTION):
        marks.append('<span class="badge corrected">corrected</span>')
    source = data.source_of(table, i)
    evidence = (f"#{rid}" if here else
                rel(depth) + f"articles/{slug(source)}.html#{rid}") if source else ""
    links = [a(rel(depth) + f"tables/{table.name}.html#{rid}", f"row in {esc(table.name)}",
               class_="to-row")]
    if evidence:
        links.append(a(evidence, "highlight in the article", class_="to-text"))
    links += doc_links(data, table, depth)
    quote = "" if here else f'<blockquote>{esc(row.get("quote", ""))}</blockquote>'
    return (f'<li class="fact" id="card:{esc(rid)}"><p class="fact-head"><strong>'
            f'{esc(table.name)} · {esc(rid)}</strong> {" ".join(marks)}</p>{quote}'
            f'<dl>{"".join(items)}</dl>{_anchor(data, table.name, rid, evidence)}'
            f'{_referrers(data, table, rid, depth)}'
            f'<p class="fact-links">{" · ".join(links)}</p></li>')


def _anchor(data: SiteData, table: str, rid: str, evidence: str) -> str:
    """The row's evidence anchor, the target of its Web Annotation as ``bdigest-data export
    --format annotations`` writes it: the TextPositionSelector (seed file, start and end),
    linked to the highlight at ``evidence``, and the TextQuoteSelector (the exact seed text
    between them, with its prefix and suffix); every text escaped."""
    anchor = data.anchors.get((table, rid))
    if anchor is None:
        return ""
    where = f"{code(anchor.seed_file)} characters {anchor.start}–{anchor.end}"
    if evidence:
        where = a(evidence, where, class_="to-anchor")
    return (f'<div class="anchor-ref" data-start="{anchor.start}" data-end="{anchor.end}">'
            '<p title="TextPositionSelector: start and end in characters of the raw seed '
            f'file">evidence: {where}</p><p class="anchor-quote" title="TextQuoteSelector: '
            'the exact seed text, with its prefix and suffix">'
            f'<span class="prefix">{esc(anchor.prefix)}</span>'
            f'<span class="exact">{esc(anchor.exact)}</span>'
            f'<span class="suffix">{esc(anchor.suffix)}</span></p></div>')


def _referrers(data: SiteData, table: Table, rid: str, depth: int) -> str:
    """The rows that name this row (event links, derivations), one line each."""
    lines = []
    for other, j, ident in data.referrers.get((table.name, rid), []):
        row = other.rows[j]
        skip = {ident, other.row_refs[ident], *other.row_refs.values()}
        parts = [f"{esc(n)}: {cell(data, other, n, v, depth, row)}" for n, v in row.items()
                 if v and n not in skip]
        head = a(rel(depth) + f"tables/{other.name}.html#{other.ids[j]}", esc(other.name))
        lines.append(f"<li>{head} · {' · '.join(parts)}</li>")
    return f'<ul class="refs">{"".join(lines)}</ul>' if lines else ""


# --- the codebook and the reliability report ------------------------------------------------

def _doc_pages(data: SiteData) -> dict[str, str]:
    """The documents' file names, as their links name them, to their pages."""
    return {"data-dictionary.md": "dictionary.html",
            **{PurePosixPath(d.file).name: d.page for d in data.documents}}


@functools.cache
def _rendered(pages: tuple[tuple[str, str], ...], markdown: str) -> tuple[str, list[str]]:
    return DocRenderer(dict(pages)).render(markdown)


def _render(data: SiteData, doc: Document) -> tuple[str, list[str]]:
    return _rendered(tuple(_doc_pages(data).items()), doc.markdown)


def doc_links(data: SiteData, table: Table, depth: int) -> list[str]:
    """Links to what the codebook says of ``table`` (its section, else its start) and to
    the reliability report."""
    out = []
    for doc in data.documents:
        target = doc.page
        if doc is data.documents[0]:  # the codebook: the section on this table
            ids = _render(data, doc)[1] if doc.markdown else []
            target += next((f"#{i}" for i in ids if i.endswith(f"-{table.name}")), "")
            label = f"codebook: what a row of {esc(table.name)} is"
        else:
            label = esc(doc.title.lower())
        out.append(a(rel(depth) + target, label, class_="to-doc"))
    return out


def document_page(data: SiteData, doc: Document) -> str:
    """A document of the package rendered (raw HTML off, every text escaped)."""
    if doc.markdown:
        body = _render(data, doc)[0]
    else:
        body = (f"<h1>{esc(doc.title)}</h1><p>Neither this package nor the installed "
                f"bdigest-data holds <code>{esc(doc.file)}</code>.</p>")
    return site_page(data, doc.title, f'<div class="doc">{body}</div>', 0, doc.page)


# --- index -------------------------------------------------------------------------------

def index(data: SiteData, coverage: dict[str, dict[str, Any]], charts: list[Any]) -> str:
    pkg = data.package
    lic = pkg.license
    from bdigest_data import cite

    tables = "".join(
        f"<tr><td>{a(f'tables/{t.name}.html', esc(t.name))}</td><td>{esc(t.source.title)}"
        f"</td><td class=\"num\">{len(t.rows)}</td><td>{esc(t.source.grain)}</td>"
        f"<td>{a(f'dictionary.html#{t.name}', 'fields')}</td></tr>"
        for t in data.tables.values())
    body = [
        f"<h1>{esc(pkg.title)}</h1>",
        f"<p>{esc(pkg.descriptor.get('description', ''))}</p>",
        f'<p class="meta">Version <strong>{esc(pkg.version)}</strong> · licence '
        f'{a(lic.get("path", "#"), esc(lic.get("title") or lic.get("name", "")))} · '
        f'{len(data.articles)} articles · '
        f'{sum(len(t.rows) for t in data.facts)} fact rows, each with its verbatim quote.</p>',
        '<h2 id="tables">Tables</h2>',
        '<div class="scroll"><table class="plain"><thead><tr><th scope="col">Table</th>'
        '<th scope="col">Title</th>'
        '<th scope="col">Rows</th><th scope="col">Grain</th><th scope="col">Dictionary</th>'
        f"</tr></thead><tbody>{tables}</tbody></table></div>",
        '<h2 id="docs">What counts, and how reliably</h2>',
        "<p>What counts as a visit, a meeting, a transfer or a figure, field by field, with "
        f"worked examples: the {a('codebook.html', 'codebook')}. How far an independent "
        f"second coding agreed: the {a('reliability.html', 'reliability report')}.</p>",
        _coverage_table(data, coverage),
        '<h2 id="charts">Charts</h2>',
        "<ul>" + "".join(f"<li>{a(f'charts.html#{c.name}', esc(c.title))}</li>"
                         for c in charts) + "</ul>" if charts else
        "<p>No charts: install the <code>site</code> extra (matplotlib) to draw them.</p>",
        '<h2 id="cite">How to cite</h2>',
        citation(cite("text", data.root)),
        "<h3>BibTeX</h3>",
        f'<pre class="bibtex">{esc(cite("bibtex", data.root))}</pre>',
        # the schema.org Dataset for search engines, from the descriptor (JSON escaped so
        # that no text closes the element)
        f'<script type="application/ld+json">{script_json(schema_org(pkg.descriptor))}'
        "</script>",
    ]
    if data.entities:
        body.insert(5, '<h2 id="entities">People, places and actors</h2><ul>' + "".join(
            f"<li>{a(f'tables/{t.name}.html', esc(t.source.title))}: {len(t.rows)}, "
            "each with a page of the facts it appears in</li>" for t in data.entities)
            + "</ul>")
    return site_page(data, "Overview", "\n".join(body), 0, "index.html")


def citation(text: str) -> str:
    """The citation as HTML: a paragraph per paragraph, each ``- `` line a list item (one
    article a line)."""
    out = []
    for para in text.strip().split("\n\n"):
        lines = para.splitlines()
        head = [ln for ln in lines if not ln.startswith("- ")]
        items = [ln[2:] for ln in lines if ln.startswith("- ")]
        if head:
            out.append(f"<p>{esc(' '.join(head))}</p>")
        if items:
            out.append("<ul>" + "".join(f"<li>{esc(i)}</li>" for i in items) + "</ul>")
    return f'<div class="citation">{"".join(out)}</div>'


def _coverage_table(data: SiteData, coverage: dict[str, dict[str, Any]]) -> str:
    if not any("sentences" in c for c in coverage.values()):  # the ledger does not say
        coverage = {sid: {**coverage.get(sid, {}), **data.sentence_counts(sid)}
                    for sid in data.articles}
    keys = [k for k in COUNTS if any(k in c for c in coverage.values())]
    keys += sorted({k for c in coverage.values() for k in c} - set(keys))
    head = "".join(f'<th scope="col">{esc(k.replace("_", " "))}</th>' for k in keys)
    rows = []
    for sid, art in data.articles.items():
        n = sum(1 for t in data.facts for i in range(len(t.rows)) if data.source_of(t, i) == sid)
        counts = "".join(f'<td class="num">{esc(coverage.get(sid, {}).get(k, ""))}</td>'
                         for k in keys)
        rows.append(f"<tr><td>{a(f'articles/{slug(sid)}.html', esc(art.title))}</td>"
                    f'<td class="num">{n}</td>{counts}</tr>')
    return ('<h2 id="coverage">Articles and coverage</h2><p>Per article: its fact rows; how '
            "many of its figures a row's quote covers, a reason excludes, or neither "
            "(<code>bdigest-data coverage</code>); and how many of its sentences a row's quote "
            "overlaps, a row sets aside, or neither.</p>"
            '<div class="scroll"><table class="plain"><thead><tr><th scope="col">Article</th>'
            f'<th scope="col">fact rows</th>{head}</tr></thead><tbody>{"".join(rows)}'
            "</tbody></table></div>")


# --- data dictionary ------------------------------------------------------------------------

def dictionary(data: SiteData) -> str:
    """The package's data dictionary (``bdigest_data.dictionary``) as HTML."""
    from bdigest_data.dictionary import build
    from bdigest_data.website.datadict import body

    return site_page(data, "Data dictionary", body(build(data.files)), 0, "dictionary.html")


# --- table pages ------------------------------------------------------------------------------

def tables_index(data: SiteData) -> str:
    items = "".join(f"<li>{a(f'{t.name}.html', esc(t.name))}: {esc(t.source.title)} "
                    f"({len(t.rows)} rows)</li>" for t in data.tables.values())
    return site_page(data, "Tables", f"<h1>Tables</h1><ul>{items}</ul>", 1, "tables/index.html")


# beside the key, dates, actors and values: what a row says, and what it is called
_KEY_NAMES = ("name", "title", "unit", "status")
_ALL_SHOWN = 8  # a table of at most this many columns shows them all
# an EDTF date that reads as it is written (2013, 2013-11, 2013-11-21); any other (a season,
# an uncertain or approximate date, an interval) gets its words in small print
_CALENDAR = re.compile(r"\d{4}(-(0[1-9]|1[0-2])(-\d{2})?)?")  # 2011-22 is no month


def key_fields(data: SiteData, table: Table) -> list[str]:
    """The columns a table page leads with: its primary key, its name or title, its dates
    (EDTF), its links to actors, persons and places, a fact table's numbers (its values,
    counts, ranks), its unit and status (schema order)."""
    if len(table.fields) <= _ALL_SHOWN:
        return list(table.fields)
    entities = data.entity_names()
    key = set(table.source.primary_key)
    return [n for n in table.fields if n in key or n in _KEY_NAMES
            or (table.schema.field(n) is not None and table.schema.field(n).edtf)
            or (n in table.links and table.links[n].table in entities)
            or (table.is_facts and n not in table.links and _numeric(table, n))]


def _legend(table: Table) -> str:
    """What each marker of the table's rows means."""
    items = ['<li><span class="swatch target"></span> the row a link led to</li>']
    if table.is_facts:
        items[:0] = [
            "<li><strong>in text</strong> (the first column) opens the row's quote, "
            "highlighted in its article</li>",
            '<li><span class="swatch derived"></span> a row whose value is derived '
            "(inferred or computed; its <code>basis_note</code> says how)</li>",
            '<li><span class="swatch corrected"></span> a row whose article is wrong '
            "(its <code>correction_note</code> says how)</li>"]
    return f'<ul class="legend" aria-label="Legend">{"".join(items)}</ul>'


def table_page(data: SiteData, table: Table) -> str:
    """Every row of ``table``, sortable and filterable, fact rows linking to their evidence;
    the key columns first, the rest shown on request (a checkbox: no script needed)."""
    fields = table.fields
    facts = table.is_facts
    key = set(key_fields(data, table))
    more = {n: "" if n in key else ' class="more"' for n in fields}
    head = "".join(
        f'<th scope="col" aria-sort="none"{more[n]}><button type="button" class="sort">'
        f"{esc(n)}</button></th>" for n in fields)
    if facts:
        head = '<th scope="col">evidence</th>' + head
    body = []
    entity = table.name in data.entity_names()
    dated = {n for n in fields if (f := table.schema.field(n)) is not None and f.edtf}
    for i, row in enumerate(table.rows):
        rid = table.ids[i]
        cells = []
        if facts:
            src = data.source_of(table, i)
            link = a(f"../articles/{slug(src)}.html#{rid}", "in text", class_="to-text")
            cells.append(f"<td>{link}</td>")
        for n in fields:
            value = cell(data, table, n, row[n], 1, row)
            if n in dated and row[n] and not _CALENDAR.fullmatch(row[n]):  # 2011-22: summer
                value += f' <small class="words">{esc(words(row[n]))}</small>'
            if entity and n in table.source.primary_key and row[n]:
                value = a(f"../{table.name}/{slug(row[n])}.html", esc(row[n]))
            kind = ("num" if _numeric(table, n) and n not in table.links
                    else "quote long" if n == "quote"
                    else "long" if len(row[n]) > 60 else "")
            kind = " ".join(c for c in (kind, "more" if n not in key else "") if c)
            cells.append(f'<td class="{kind}">{value}</td>' if kind else f"<td>{value}</td>")
        classes = " ".join(c for c, on in (("derived", facts and is_derived(row)),
                                           ("corrected", bool(row.get(_CORRECTION)))) if on)
        cls = f' class="{classes}"' if classes else ""
        body.append(f'<tr id="{esc(rid)}"{cls}>{"".join(cells)}</tr>')
    docs = " · ".join(doc_links(data, table, 1))
    intro = (f"<h1>{esc(table.source.title)} <code>{esc(table.name)}</code></h1>"
             f"<p>{esc(table.source.description)}</p>"
             f'<p class="meta">Grain: {esc(table.source.grain)} · {len(table.rows)} rows · '
             f'{a(f"../dictionary.html#{table.name}", "fields in the data dictionary")}'
             f"{' · ' + docs if docs else ''}</p>")
    hidden = len(fields) - len(key)
    toggle = (f'<input type="checkbox" id="all-columns" class="all-columns">'
              f'<label for="all-columns" class="all-columns">Show all {len(fields)} '
              f"columns ({hidden} more than the key columns: "
              f"{esc(', '.join(n for n in fields if n in key))})</label>" if hidden else "")
    tools = ('<div class="tools"><label for="filter">Filter rows</label> '
             '<input type="search" id="filter" class="filter" data-table="rows" '
             'placeholder="any text in a row"> <output id="count" for="filter" '
             f'aria-live="polite">{len(table.rows)} of {len(table.rows)} rows</output></div>')
    grid = (f'<div class="scroll"><table class="data sortable" id="rows"><caption>'
            f"{esc(table.name)}: click a column name to sort</caption><thead><tr>{head}</tr>"
            f'</thead><tbody>{"".join(body)}</tbody></table></div>')
    return site_page(data, table.name, intro + _legend(table) + tools + toggle + grid, 1)


def _numeric(table: Table, name: str) -> bool:
    """Whether column ``name`` holds numbers (its type's kind; ``metadata.types``)."""
    field = table.schema.field(name)
    return field is not None and field.info.kind in ("integer", "number")


# --- article readers ----------------------------------------------------------------------

def article_page(data: SiteData, article: Article, renderer: ArticleRenderer) -> str:
    """The article with every fact row's quote highlighted and each aside's reason."""
    rows = [(t, i) for t in data.facts for i in range(len(t.rows))
            if data.source_of(t, i) == article.source_id]
    spans = [Span(t.ids[i], t.rows[i].get("quote", ""), "fact", _span_classes(t.rows[i]),
                  f"{t.name} {t.ids[i]}") for t, i in rows]
    asides = data.asides_of(article.source_id)
    spans += [Span(x.key, x.text, "aside", ("aside",), f"set aside: {x.reason}")
              for x in asides]
    rendered = renderer.render(article.markdown, spans)
    missing = set(rendered.missing)
    lost = [(t, i) for t, i in rows if t.ids[i] in missing]
    sources = data.sources
    meta = " · ".join(f"{esc(k)}: {when(sources, k, v) if sources else esc(v)}"
                      for k, v in article.row.items() if k in ("publisher", "published") and v)
    legend = ('<p class="legend"><mark class="hl">highlighted</mark> the quote of a fact row '
              '(hover, focus or tab to it to see the row) · <mark class="hl derived">dashed'
              '</mark> a row with a derived value · <mark class="hl corrected">flagged</mark> '
              'a row with a correction · <mark class="aside">grey</mark> text set aside, '
              "with its reason</p>")
    parts = [f"<h1>{esc(article.title)}</h1>", f'<p class="meta">{meta} · {len(rows)} fact '
             "rows</p>", legend, f'<article class="text">{rendered.html}</article>']
    if lost:
        parts.append('<h2>Rows whose quote is not in the rendered text</h2><p>'
                     + " ".join(f'<span class="anchor" id="{esc(t.ids[i])}"></span>'
                                f"{esc(t.ids[i])}" for t, i in lost) + "</p>")
    parts.append('<h2 id="facts">Fact rows from this article</h2><ol class="facts">'
                 + "".join(fact_card(data, t, i, 1, here=True) for t, i in rows) + "</ol>")
    if asides:
        parts.append('<h2 id="set-aside">Set aside</h2><ul class="asides">' + "".join(
            f'<li id="card:{esc(x.key)}"><q>{esc(x.text)}</q> — {esc(x.reason)}</li>'
            for x in asides) + "</ul>")
    return site_page(data, article.title, "\n".join(parts), 1)


def _span_classes(row: dict[str, str]) -> tuple[str, ...]:
    return tuple(c for c, on in (("derived", is_derived(row)),
                                 ("corrected", bool(row.get(_CORRECTION)))) if on)


# --- entity pages -------------------------------------------------------------------------

def entity_page(data: SiteData, table: Table, i: int) -> str:
    """One actor, person or place: its row and every fact row it appears in."""
    row, rid = table.rows[i], table.ids[i]
    label = next((row[f] for f in ("name", "title", "label") if row.get(f)), rid)
    fields = "".join(f"<dt>{esc(n)}</dt><dd>{cell(data, table, n, v, 1)}</dd>"
                     for n, v in row.items() if v)
    facts = data.mentions.get((table.name, rid), [])
    cards = "".join(fact_card(data, t, j, 1, here=False) for t, j in facts)
    body = (f"<h1>{esc(label)}</h1><p class=\"meta\">{esc(table.source.title)} · "
            f"{a(f'../tables/{table.name}.html#{rid}', 'row in ' + esc(table.name))}</p>"
            f'<dl class="entity">{fields}</dl><h2>In {len(facts)} fact rows</h2>'
            f'<ol class="facts">{cards}</ol>')
    return site_page(data, label, body, 1)
