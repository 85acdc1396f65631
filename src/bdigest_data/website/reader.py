"""An article as HTML with the quotes of its rows highlighted (the evidence reader).

The article's Markdown is parsed by ``markdown-it-py``; its text (link labels kept,
emphasis and escapes resolved, blocks joined by a space) is folded by the validator's
normalisation (``text.evidence.fold``: markup and ``*`` dropped, headings' marks too,
every run of whitespace one space). Each quote, folded the same way, is found in that
text and mapped back to the text tokens it spans; those tokens are rendered split at every
quote boundary, each piece inside a ``<mark>`` that lists the rows (``data-rows``) whose
quote covers it. Before the first
piece of each row's quote stands an empty ``<span class="anchor" id="ROW">``, so
``#ROW`` deep-links to the evidence even where one quote backs several rows. Spans of
sentences set aside are marked the same way (``<mark class="aside">``) with their reason.

The seed's links all point nowhere (``(#)``): their labels are rendered as plain text.
Headings are renumbered from ``<h2>`` (the page's ``<h1>`` is the title) without skipping
a level.

:class:`DocRenderer` renders the package's documents (the codebook, the reliability report)
the same way, raw HTML off and every text through :mod:`.layout`, with their tables, each
heading's id as GitHub makes it (so their contents' ``#`` links work), links to the other
documents mapped to their pages and any other relative link left as its label.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from bdigest_data.text.evidence import fold
from bdigest_data.website.layout import code, esc, safe_url

_NOT_IN_ID = re.compile(r"[^\w\- ]")

_WS = re.compile(r"\s+")
_TEXT_TOKENS = {"text", "code_inline"}
_BREAKS = {"softbreak", "hardbreak"}


@dataclass(frozen=True)
class Span:
    """A highlight to place: its key (a row id, or an aside's id), kind, and text."""

    key: str
    text: str
    kind: str = "fact"  # "fact" (a row's quote) or "aside" (a sentence set aside)
    classes: tuple[str, ...] = ()  # extra CSS classes (e.g. ``derived``, ``corrected``)
    title: str = ""  # the tooltip when no script runs


@dataclass
class Rendered:
    """The article body as HTML and the keys of the spans that could not be placed."""

    html: str
    missing: list[str] = field(default_factory=list)


@dataclass
class _Stream:
    """The article's text, one entry per text token, folded with a map back to tokens."""

    tokens: list[Any] = field(default_factory=list)  # the text tokens, in order
    starts: list[int] = field(default_factory=list)  # offset of each token in ``raw``
    raw: list[str] = field(default_factory=list)
    folded: str = ""
    origin: list[int] = field(default_factory=list)  # folded char -> offset in raw

    def build(self, blocks: list[Any]) -> None:
        pieces: list[str] = []
        pos = 0
        for block in blocks:
            if block.type != "inline":
                continue
            for tok in block.children or []:
                if tok.type in _TEXT_TOKENS:
                    text = tok.content
                elif tok.type in _BREAKS:
                    text = "\n"
                else:
                    continue
                self.tokens.append(tok)
                self.starts.append(pos)
                pieces.append(text)
                pos += len(text)
            pieces.append("\n")  # blocks are separated by whitespace
            pos += 1
        raw = "".join(pieces)
        chars: list[str] = []
        blank = True  # the previous kept character was whitespace (or none yet)
        for i, ch in enumerate(raw):
            if ch == "*":
                continue
            if ch.isspace():
                if blank:
                    continue
                ch, blank = " ", True
            else:
                blank = False
            chars.append(ch)
            self.origin.append(i)
        self.folded = "".join(chars)

    def locate(self, needle: str) -> tuple[int, int] | None:
        """The raw span ``[start, end)`` of the first occurrence of ``needle``."""
        at = self.folded.find(needle) if needle else -1
        if at < 0:
            return None
        return self.origin[at], self.origin[at + len(needle) - 1] + 1


def _heading_levels(blocks: list[Any]) -> None:
    """Renumber headings from h2 down, never skipping a level."""
    previous = 1
    seen: list[int] = []  # source levels of the open headings, outermost first
    for tok in blocks:
        if tok.type not in ("heading_open", "heading_close"):
            continue
        if tok.type == "heading_open":
            level = int(tok.tag[1])
            while seen and seen[-1] >= level:
                seen.pop()
            seen.append(level)
            previous = min(len(seen) + 1, previous + 1, 6)
        tok.tag = f"h{previous}"


def _markdown() -> Any:
    """A CommonMark parser whose text goes through :mod:`.layout` (``text``, ``code``)."""
    from markdown_it import MarkdownIt  # the ``site`` extra

    md = MarkdownIt("commonmark", {"html": False})  # raw HTML is text
    md.validateLink = safe_url  # type: ignore[method-assign]
    # markdown-it binds each rule to its renderer: rule(renderer, tokens, idx, options, env)
    rules = md.add_render_rule
    rules("text", _text)
    rules("code_inline", _text)
    rules("image", lambda _, tokens, idx, *__: esc(tokens[idx].content))
    rules("fence", _block)
    rules("code_block", _block)
    return md


def _block(_renderer: Any, tokens: list[Any], idx: int, *_: Any) -> str:
    return f"<pre><code>{esc(tokens[idx].content)}</code></pre>\n"


class DocRenderer:
    """Renders a document's Markdown; ``pages`` maps the documents' file names (as their
    links name them) to their pages on the site."""

    def __init__(self, pages: dict[str, str]) -> None:
        self.pages = pages
        self.md = _markdown().enable("table")
        rules = self.md.add_render_rule
        rules("heading_open", _heading)
        rules("table_open", lambda *_: '<div class="scroll"><table class="plain">\n')
        rules("table_close", lambda *_: "</table></div>\n")
        rules("link_open", _link)
        rules("link_close", lambda _, tokens, idx, *__: tokens[idx].meta.get("close", ""))

    def render(self, markdown: str) -> tuple[str, list[str]]:
        """The document as HTML, and its headings' ids in order."""
        tokens = self.md.parse(markdown)
        seen: dict[str, int] = {}
        for i, tok in enumerate(tokens):  # each link's close tag, as its open tag decides
            if tok.type == "inline":
                opened: list[Any] = []
                for child in tok.children or []:
                    if child.type == "link_open":
                        child.meta["target"] = self._target(child)
                        opened.append(child)
                    elif child.type == "link_close" and opened:
                        child.meta["close"] = "</a>" if opened.pop().meta["target"] else ""
            if tok.type == "heading_open":  # a repeated heading: -1, -2, ... as GitHub
                ident = heading_id(tokens[i + 1].children or [])
                seen[ident] = seen.get(ident, -1) + 1
                tok.meta["id"] = f"{ident}-{seen[ident]}" if seen[ident] else ident
        ids = [tok.meta["id"] for tok in tokens if tok.type == "heading_open"]
        return self.md.renderer.render(tokens, self.md.options, {}), ids

    def _target(self, tok: Any) -> str:
        """Where a link goes on the site ('' for no link)."""
        href = str(tok.attrs.get("href", ""))
        path, _, frag = href.partition("#")
        if not path:
            return href
        if re.match(r"https?://", path, re.IGNORECASE):
            return href if safe_url(href) else ""
        page = self.pages.get(path, "")
        return f"{page}#{frag}" if page and frag else page



def _link(_renderer: Any, tokens: list[Any], idx: int, *_: Any) -> str:
    target = tokens[idx].meta["target"]
    return f'<a href="{esc(target)}">' if target else ""


def _heading(_renderer: Any, tokens: list[Any], idx: int, *_: Any) -> str:
    tok = tokens[idx]
    return f'<{tok.tag} id="{esc(tok.meta["id"])}">'


def heading_id(children: list[Any]) -> str:
    """A heading's id as GitHub makes it: its text lower-cased, punctuation dropped, spaces
    as ``-`` (``5. Visits (`visits`)`` -> ``5-visits-visits``)."""
    said = "".join(c.content for c in children if c.type in _TEXT_TOKENS)
    return _NOT_IN_ID.sub("", said.strip().lower()).replace(" ", "-")


class ArticleRenderer:
    """Renders article Markdown with highlighted spans (one renderer for a whole site)."""

    def __init__(self) -> None:
        self.md = _markdown()
        rules = self.md.add_render_rule
        rules("link_open", lambda *_: '<span class="named">')
        rules("link_close", lambda *_: "</span>")

    def render(self, markdown: str, spans: Iterable[Span]) -> Rendered:
        blocks = self.md.parse(markdown)
        _heading_levels(blocks)
        stream = _Stream()
        stream.build(blocks)
        placed: list[tuple[int, int, Span]] = []
        missing: list[str] = []
        for span in spans:
            where = stream.locate(fold(span.text))
            if where is None:
                missing.append(span.key)
            else:
                placed.append((*where, span))
        _Marker(stream, placed).annotate()
        return Rendered(self.md.renderer.render(blocks, self.md.options, {}), missing)



def _text(_renderer: Any, tokens: list[Any], idx: int, *_: Any) -> str:
    """A text token: its highlighted pieces when it has any, else its escaped text."""
    tok = tokens[idx]
    pieces = tok.meta.get("pieces")
    if pieces is not None:
        return "".join(pieces)
    return code(tok.content) if tok.type == "code_inline" else esc(tok.content)


class _Marker:
    """Splits the stream's tokens at span boundaries and stores their HTML pieces."""

    def __init__(self, stream: _Stream, placed: list[tuple[int, int, Span]]) -> None:
        self.stream = stream
        self.placed = placed

    def annotate(self) -> None:
        if not self.placed:
            return
        cuts = sorted({p for start, end, _ in self.placed for p in (start, end)})
        starting: dict[int, list[Span]] = {}
        for start, _, span in self.placed:
            starting.setdefault(start, []).append(span)
        for tok, begin in zip(self.stream.tokens, self.stream.starts, strict=True):
            end = begin + len(tok.content)
            if tok.type in _BREAKS or end == begin:
                continue
            inner = [c for c in cuts[bisect.bisect_right(cuts, begin):] if c < end]
            if not inner and begin not in starting and not self._covering(begin, end):
                continue
            bounds = [begin, *inner, end]
            tok.meta["pieces"] = [
                self._piece(tok.content[a - begin: b - begin], tok.type == "code_inline",
                            self._covering(a, b), starting.get(a, []))
                for a, b in zip(bounds, bounds[1:], strict=False)
            ]

    def _covering(self, a: int, b: int) -> list[Span]:
        return [span for start, end, span in self.placed if start <= a and b <= end]

    @staticmethod
    def _piece(content: str, is_code: bool, covering: list[Span], starting: list[Span]) -> str:
        text = code(content) if is_code else esc(content)
        anchors = "".join(f'<span class="anchor" id="{esc(s.key)}"></span>'
                          for s in starting if s.kind == "fact")
        if not covering:
            return anchors + text
        facts = [s for s in covering if s.kind == "fact"]
        asides = [s for s in covering if s.kind == "aside"]
        classes = ["hl" if facts else "aside", *dict.fromkeys(c for s in covering
                                                               for c in s.classes)]
        attrs = [f'class="{" ".join(classes)}"']
        if facts:
            attrs.append(f'data-rows="{esc(" ".join(s.key for s in facts))}"')
        if asides:
            attrs.append(f'data-asides="{esc(" ".join(s.key for s in asides))}"')
        if starting:
            attrs.append('tabindex="0"')
        titles = " | ".join(s.title for s in covering if s.title)
        if titles:
            attrs.append(f'title="{esc(titles)}"')
        return f"{anchors}<mark {' '.join(attrs)}>{text}</mark>"
