"""The site's data dictionary page: :func:`bdigest_data.dictionary.build` written as HTML.

The same content as ``docs/data-dictionary.md``, with every text escaped on its way in
(:mod:`.layout`) rather than read as Markdown: a title with ``<`` or ``&amp;`` shows as
written, and no text of the package can become markup. Each table's heading has the
table's name as its ``id``, which the index and table pages link to.
"""

from __future__ import annotations

from collections.abc import Iterable

from bdigest_data.dictionary import (
    DERIVED,
    INTRO,
    Code,
    Dictionary,
    Section,
    View,
    one_line,
    phrase,
)
from bdigest_data.website.layout import a, esc
from bdigest_data.website.layout import phrase as html


def _table(head: Iterable[str], rows: Iterable[Iterable[str]]) -> str:
    """A table; ``head`` and the cells of ``rows`` are HTML."""
    th = "".join(f"<th>{h}</th>\n" for h in head)
    body = "".join("<tr>\n" + "".join(f"<td>{c}</td>\n" for c in row) + "</tr>\n"
                   for row in rows)
    return (f'<div class="scroll"><table class="plain">\n<thead>\n<tr>\n{th}</tr>\n</thead>\n'
            f"<tbody>\n{body}</tbody>\n</table></div>\n")


def _section(sec: Section) -> str:
    facts = [f"Grain: {esc(sec.grain)}", f"Rows: {sec.rows}",
             f"File: {html((Code(sec.file), ', schema ', Code(sec.schema)))}",
             "Primary key: " + ", ".join(html((Code(k),)) for k in sec.primary_key)]
    items = "".join(f"<li>{f}</li>\n" for f in facts)
    rows = [(html((Code(f.name),)), esc(f.type), html(f.constraints),
             html(phrase(one_line(f.description))),
             html((Code(f.example),)) if f.example else "") for f in sec.fields]
    return (f'<h2 id="{esc(sec.name)}">{esc(sec.name)}</h2>\n'
            f"<p><strong>{esc(sec.title)}.</strong> {html(phrase(sec.description))}</p>\n"
            f"<ul>\n{items}</ul>\n"
            + _table(("Field", "Type", "Constraints", "Description", "Example"), rows))


def _view(view: View) -> str:
    rows = [(html((Code(name),)), html(phrase(one_line(text)))) for name, text in view.columns]
    return (f'<h2 id="{esc(view.name)}">{esc(view.name)} (view)</h2>\n'
            f"<p>{html(phrase(view.description))}</p>\n"
            + _table(("Column", "Description"), rows))


def body(d: Dictionary) -> str:
    """The page's content: title, introduction, the tables' overview and one section each,
    the views, and what else is built from the tables."""
    overview = [(a(f"#{s.name}", esc(s.name)), str(s.rows), esc(one_line(s.grain)))
                for s in d.sections]
    return (f"<h1>Data dictionary</h1>\n<p>{esc(d.title)}, version {esc(d.version)}.</p>\n"
            f"<p>{html(INTRO)}</p>\n" + _table(("Table", "Rows", "Grain"), overview)
            + "".join(_section(s) for s in d.sections) + "".join(_view(v) for v in d.views)
            + f'<h2 id="also-built">Also built</h2>\n<p>{html(DERIVED)}</p>\n')
