"""Sentence segmentation of the articles: the units of the sentence ledger.

An article (its span of the seed file) is cut into *units*, each of one kind:

- ``heading``: a paragraph that starts with ``#`` or is bold throughout (``**…**``); the
  leading ``#`` marks are not part of the unit. A title split over two heading lines is two
  units.
- ``caption`` and ``credit``: an image caption and its photo credit. The credit runs from
  ``Source:`` to the end of its paragraph; the caption is the text before it, back to the
  image gap (three or more line breaks, where the seed lost the picture) when the credit
  follows the gap within two paragraphs.
- ``sentence``: everything else, segmented by `pysbd <https://github.com/nipunsadvilkar/pySBD>`_
  (rule-based, the "Golden Rules" of English sentence boundaries; deterministic: the same
  text always gives the same sentences) after the article's normalisation (markup dropped,
  whitespace folded, ``evidence.normalise``). A paragraph that does not end a sentence
  (no final ``.``, ``!``, ``?``, ``…`` or ``:``, a closing quote or bracket aside) runs on
  into the next body paragraph: the seed breaks sentences where the page had a picture or
  a pull quote (``focused`` ¶ ``on trade and investment``); but a paragraph that opens a
  block in lower case is a pull quote cut mid-sentence and stays alone. A quotation of several
  sentences inside one sentence (``“… our countries,” stated Lukashenka.``) stays one unit,
  as pysbd keeps it. Stray symbols at a unit's edge (the seed's ``✘`` and ``☒`` bullets)
  are left out of it.

Why pysbd: it is rule-based, pure Python, has no model to download, and keeps
abbreviations, initials, decimals and quoted speech together, which a bare ``. ``-split
does not; its output is pinned by ``data/sentences.csv``, which
``scripts/build_sentences.py --check`` compares with a fresh segmentation in the tests, so
a change of pysbd or of these rules cannot silently renumber the ledger. The validator
reads the stored table and never imports pysbd.

Each unit gets a stable id, ``<source_id>:<ordinal>`` (three digits, from ``001`` in
reading order), and its offsets in the seed file (``char_start`` … ``char_end``, Python
string indices, end exclusive; the span includes the markup the text drops, so
``normalise(seed[char_start:char_end]) == text``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Literal

from bdigest_data.text.evidence import LINE_BREAK, Article

if TYPE_CHECKING:
    import pysbd

Kind = Literal["heading", "caption", "credit", "sentence"]
KINDS: tuple[Kind, ...] = ("heading", "caption", "credit", "sentence")
CREDIT = "Source:"
_BREAK = LINE_BREAK.pattern
# a paragraph break (and its blank lines), whatever the line ends
_GAP = re.compile(rf"(?:{_BREAK})[ \t]*(?:{_BREAK})(?:[ \t]*(?:{_BREAK}))*")
_LEAD = re.compile(r"[\s\ufeff]*")  # what precedes a paragraph: spaces, a byte-order mark
_HEADING = re.compile(r"#+[ \t]*")
_BOLD = re.compile(r"(?s)\*\*[^*].*\*\*")
_ENDS_SENTENCE = re.compile(r"[.!?…:][\"'”’)\]*\s]*\Z")
_NOT_TEXT = "\ufeff"  # a byte-order mark
IMAGE_GAP = 3  # line breaks in a row where the seed lost a picture
CAPTION_REACH = 2  # paragraphs after an image gap a credit may close a caption


@dataclass(frozen=True)
class Unit:
    """One unit of an article: a sentence, heading, caption or credit."""

    source_id: str
    ordinal: int
    kind: Kind
    char_start: int  # offsets in the seed file
    char_end: int
    text: str  # normalised like a quote

    @property
    def sentence_id(self) -> str:
        return sentence_id(self.source_id, self.ordinal)


def sentence_id(source_id: str, ordinal: int) -> str:
    """The id of unit ``ordinal`` (1-based) of article ``source_id``."""
    return f"{source_id}:{ordinal:03d}"


@dataclass
class _Paragraph:
    start: int  # offsets in the article's raw text
    end: int
    after_image: bool  # follows an image gap


def _paragraphs(raw: str) -> list[_Paragraph]:
    out: list[_Paragraph] = []
    pos, gap = 0, 0
    for m in [*_GAP.finditer(raw), None]:
        end = m.start() if m else len(raw)
        chunk = raw[pos:end]
        lead = m_lead.end() if (m_lead := _LEAD.match(chunk)) else 0
        if lead < len(chunk):
            out.append(_Paragraph(pos + lead, pos + len(chunk.rstrip()), gap >= IMAGE_GAP))
            gap = 0
        if m:
            gap += len(LINE_BREAK.findall(m.group()))
            pos = m.end()
    return out


@cache
def _segmenter() -> pysbd.Segmenter:
    import pysbd

    return pysbd.Segmenter(language="en", clean=False)


def _edge(ch: str) -> bool:
    """Characters a unit never starts or ends with: spaces and stray symbols."""
    return ch.isspace() or unicodedata.category(ch) == "So"


def segment(article: Article) -> list[Unit]:
    """The units of ``article`` in reading order (see the module docstring)."""
    return list(_Segmentation(article).units())


class _Segmentation:
    def __init__(self, article: Article) -> None:
        self.article = article
        self.raw = article.raw
        self.text, self.origin = article.mapped
        self.ordinal = 0

    def _index(self, raw_offset: int) -> int:
        """The first normalised character at or after ``raw_offset`` of the raw text."""
        import bisect

        return bisect.bisect_left(self.origin, raw_offset)

    def _unit(self, kind: Kind, i: int, j: int) -> Iterator[Unit]:
        """The unit of normalised characters ``i`` … ``j`` (edges trimmed), if any."""
        while i < j and _edge(self.text[i]):
            i += 1
        while j > i and _edge(self.text[j - 1]):
            j -= 1
        if i == j:
            return
        # the raw span: from just after the previous kept character (so leading markup
        # such as ``**`` or ``[`` is inside) to the next one (trailing ``](#)``), trimmed
        start = self.origin[i - 1] + 1 if i else 0
        end = self.origin[j] if j < len(self.text) else len(self.raw)
        while self.raw[start] in _NOT_TEXT or self.raw[start].isspace() or (
                kind == "heading" and self.raw[start] == "#"):
            start += 1
        while self.raw[end - 1].isspace():
            end -= 1
        self.ordinal += 1
        base = self.article.start
        yield Unit(self.article.source_id, self.ordinal, kind, base + start, base + end,
                   self.text[i:j])

    def _kinds(self, paras: list[_Paragraph]) -> list[str]:
        """Each paragraph's kind: ``heading``, ``credit`` (holds ``Source:``), ``caption``
        (after an image gap, with a credit paragraph within reach) or ``body``."""
        kinds: list[str] = []
        for para in paras:
            chunk = self.raw[para.start:para.end]
            if _HEADING.match(chunk) or _BOLD.fullmatch(chunk):
                kinds.append("heading")
            elif CREDIT in chunk:
                kinds.append("credit")
            else:
                kinds.append("body")
        for n, para in enumerate(paras):
            reach = kinds[n + 1:n + 1 + CAPTION_REACH]
            if kinds[n] == "body" and para.after_image and "credit" in reach \
                    and all(k == "body" for k in reach[:reach.index("credit")]):
                for m in range(n, n + reach.index("credit") + 1):
                    kinds[m] = "caption"
        return kinds

    def units(self) -> Iterator[Unit]:
        paras = _paragraphs(self.raw)
        body: list[_Paragraph] = []  # paragraphs of one run-on block
        for para, kind in zip(paras, self._kinds(paras), strict=True):
            chunk = self.raw[para.start:para.end]
            if kind != "body":
                yield from self._body(body)
                body = []
            if kind == "heading":
                heading = _HEADING.match(chunk)
                i = self._index(para.start + (heading.end() if heading else 0))
                yield from self._unit("heading", i, self._index(para.end))
            elif kind == "caption":
                yield from self._unit("caption", self._index(para.start), self._index(para.end))
            elif kind == "credit":
                credit = para.start + chunk.index(CREDIT)
                yield from self._unit("caption", self._index(para.start), self._index(credit))
                yield from self._unit("credit", self._index(credit), self._index(para.end))
            else:
                fragment = not body and chunk[:1].islower()  # a pull quote, cut mid-sentence
                body.append(para)
                if fragment or _ENDS_SENTENCE.search(chunk):
                    yield from self._body(body)
                    body = []
        yield from self._body(body)

    def _body(self, paras: list[_Paragraph]) -> Iterator[Unit]:
        """The sentences of a run of body paragraphs (one run-on block)."""
        if not paras:
            return
        lo, hi = self._index(paras[0].start), self._index(paras[-1].end)
        block = self.text[lo:hi]
        pos = 0
        for piece in _segmenter().segment(block):
            piece = piece.strip()
            if not piece:
                continue
            at = block.index(piece, pos)
            yield from self._unit("sentence", lo + at, lo + at + len(piece))
            pos = at + len(piece)
