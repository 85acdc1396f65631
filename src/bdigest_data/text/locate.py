"""Where a quote is in the articles, or the passage it most nearly matches and how it differs.

Both the quote and the articles are normalised exactly as the provenance check does
(``evidence.normalise``: markup dropped, ``\\$`` read as ``$``, whitespace folded), so a
quote ``locate`` finds is one ``quote-not-found`` accepts. A match is given as the article,
the offsets of the matched span in the seed file (Python ``str`` indices, as
``sources.char_start``), the seed file's line and the normalised text around it.

When the quote is not found, the closest passage is the one ``difflib`` aligns best with
the quote, anchored at the longest run of characters both share (found in linear time
with a suffix automaton of the article; none when even the best passage differs in more
than half of the quote's characters, or the quote has more than ``CLOSEST_MAX``
characters: a pasted paragraph is looked up as it is, in linear time, but only a quote
of a few sentences is aligned character by character); each differing stretch
is shown with its code points and, where one applies, the likely cause: a letter from
another script (a homoglyph such as Cyrillic ``а`` for Latin ``a``), an accent written
decomposed (NFD), a ``$`` dropped (the seed writes it ``\\$``; a shell expands ``$`` inside
double quotes), typographic against straight quotes, or a kind of space.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from difflib import SequenceMatcher
from typing import Any

from bdigest_data.text.evidence import Article, line_numbers, normalise

CONTEXT = 40  # characters of normalised text shown each side of a match
FAR = 0.5  # a passage differing in more than this share of the quote's characters is no match
CLOSEST_MAX = 1000  # characters of a quote to align (the longest quote of the data has 317)
_QUOTES = {"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'"}


@dataclass(frozen=True)
class Place:
    """A span of an article: seed-file offsets and line, and the normalised text around."""

    source_id: str
    seed_file: str
    start: int  # offset in the seed file of the span's first character
    end: int  # offset one past its last character
    line: int  # 1-based line of the seed file where the span starts
    before: str
    text: str
    after: str


@dataclass(frozen=True)
class Difference:
    """One stretch where the quote and the closest passage differ."""

    quote: str
    article: str
    cause: str | None

    def describe(self) -> str:
        """``quote "а" (U+0430 …) where the article has "a" (U+0061 …): cause``."""
        said = f"quote {_shown(self.quote)} where the article has {_shown(self.article)}"
        return said + (f": {self.cause}" if self.cause else "")


@dataclass
class Location:
    """The result of ``locate``: every match, or else the closest passage and the diffs."""

    quote: str  # normalised
    matches: list[Place] = field(default_factory=list)
    closest: Place | None = None
    differences: list[Difference] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def found(self) -> bool:
        return bool(self.matches)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self) | {"found": self.found}


def locate(text: str, arts: dict[str, Article], seeds: dict[str, str]) -> Location:
    """Find ``text`` in ``arts`` (articles by id); ``seeds`` maps seed files to their text,
    for line numbers."""
    quote = normalise(text)
    result = Location(quote, notes=_folded(text))
    if not quote:
        return result
    lines = {seed: line_numbers(t) for seed, t in seeds.items()}
    for art in arts.values():
        norm, origin = art.mapped
        i = norm.find(quote)
        while i >= 0:
            result.matches.append(_place(art, lines, norm, origin, i, i + len(quote)))
            i = norm.find(quote, i + 1)
    if not result.matches and len(quote) > CLOSEST_MAX:
        result.notes.append(f"the quote has {len(quote)} characters; a closest passage is "
                            f"looked for only up to {CLOSEST_MAX}: try a shorter part of it")
    elif not result.matches:
        best = min((_closest(art, quote) for art in arts.values()),
                   key=lambda c: c[0], default=None)
        if best is not None and best[0] <= len(quote) * FAR:
            _, art, lo, hi, diffs = best
            norm, origin = art.mapped
            result.closest = _place(art, lines, norm, origin, lo, hi)
            result.differences = diffs
    return result


def _place(art: Article, lines: dict[str, Callable[[int], int]], norm: str,
           origin: tuple[int, ...], lo: int, hi: int) -> Place:
    """Characters ``lo`` … ``hi`` of the article's normalised text as a ``Place``;
    ``lines`` gives the line of an offset of each seed file."""
    start = art.start + origin[lo]
    end = art.start + origin[hi - 1] + 1 if hi > lo else start
    return Place(art.source_id, art.seed_file, start, end,
                 lines[art.seed_file](start),
                 norm[max(0, lo - CONTEXT):lo], norm[lo:hi], norm[hi:hi + CONTEXT])


def _folded(raw: str) -> list[str]:
    """What the normalisation read differently in the quote as given (worth knowing even
    when the quote is found)."""
    notes = []
    for ch in dict.fromkeys(c for c in raw if c.isspace() and c not in " \n\t\r"):
        notes.append(f"{_code(ch)} in the quote reads as a space")
    if "\\$" in raw:
        notes.append("\\$ in the quote reads as $ (as in the seed)")
    return notes


def _closest(art: Article, quote: str) -> tuple[int, Article, int, int, list[Difference]]:
    """(distance, article, start, end in the normalised text, differences) of the passage
    of ``art`` closest to ``quote``."""
    text = art.text
    shared = _Automaton.of(text)
    half = len(quote) // 2
    anchors = set()
    for lo, hi in ((0, len(quote)), (0, half), (half, len(quote))):
        a, b, size = shared.longest(quote, lo, hi)
        if size:
            anchors.add(a - b)
    slack = max(8, len(quote) // 4)
    best: tuple[int, Article, int, int, list[Difference]] = (len(quote) + 1, art, 0, 0, [])
    for offset in sorted(anchors):
        ws = max(0, offset - slack)
        window = text[ws:offset + len(quote) + slack]
        lo, hi, diffs, distance = _align(quote, window)
        if distance < best[0]:
            best = (distance, art, ws + lo, ws + hi, diffs)
    return best


class _Automaton:
    """The suffix automaton of a text: every substring of it, recognised in linear time.
    Each state keeps where its substrings first end in the text."""

    def __init__(self, text: str) -> None:
        self.next: list[dict[str, int]] = [{}]
        self.link, self.length, self.end = [-1], [0], [-1]
        last = 0
        for i, ch in enumerate(text):
            cur = self._state(self.length[last] + 1, i, {})
            p = last
            while p != -1 and ch not in self.next[p]:
                self.next[p][ch] = cur
                p = self.link[p]
            if p == -1:
                self.link[cur] = 0
            else:
                q = self.next[p][ch]
                if self.length[p] + 1 == self.length[q]:
                    self.link[cur] = q
                else:
                    clone = self._state(self.length[p] + 1, self.end[q], dict(self.next[q]))
                    self.link[clone] = self.link[q]
                    while p != -1 and self.next[p].get(ch) == q:
                        self.next[p][ch] = clone
                        p = self.link[p]
                    self.link[q] = self.link[cur] = clone
            last = cur

    @staticmethod
    @functools.lru_cache(maxsize=16)
    def of(text: str) -> _Automaton:
        """The automaton of ``text`` (kept for the articles of the last few calls)."""
        return _Automaton(text)

    def _state(self, length: int, end: int, edges: dict[str, int]) -> int:
        self.next.append(edges)
        self.link.append(-1)
        self.length.append(length)
        self.end.append(end)
        return len(self.next) - 1

    def longest(self, quote: str, lo: int, hi: int) -> tuple[int, int, int]:
        """``(a, b, size)``: the longest run ``quote[b:b + size]`` inside ``lo`` … ``hi``
        that the text holds, first at ``a`` (the first such run of the quote)."""
        state, size, best = 0, 0, (0, lo, 0)
        for j in range(lo, hi):
            ch = quote[j]
            while state and ch not in self.next[state]:
                state = self.link[state]
                size = self.length[state]
            if ch in self.next[state]:
                state, size = self.next[state][ch], size + 1
            if size > best[2]:
                best = (self.end[state] - size + 1, j - size + 1, size)
        return best


def _align(quote: str, window: str) -> tuple[int, int, list[Difference], int]:
    """Align all of ``quote`` with part of ``window``: the part's span, the differing
    stretches and how many characters differ. The window's surplus at either end is not
    part of the passage: a leading (trailing) stretch of the window that only partly
    answers the quote keeps as many characters as the quote has there."""
    ops = SequenceMatcher(None, quote, window, autojunk=False).get_opcodes()
    tag, i1, i2, j1, j2 = ops[0]
    lo = j2 if tag == "insert" else j2 - _kept(quote[i1:i2], window[j1:j2][::-1], True) \
        if tag == "replace" else j1
    tag, i1, i2, j1, j2 = ops[-1]
    hi = j1 if tag == "insert" else j1 + _kept(quote[i1:i2], window[j1:j2], False) \
        if tag == "replace" else j2
    hi = max(hi, lo)
    diffs: list[Difference] = []
    for tag, i1, i2, j1, j2 in ops:
        q, a = quote[i1:i2], window[max(j1, lo):min(j2, hi)]
        if tag != "equal" and (q or a):
            diffs.append(Difference(q, a, _cause(q, a)))
    return lo, hi, diffs, sum(max(len(d.quote), len(d.article)) for d in diffs)


def _kept(q: str, a: str, reverse: bool) -> int:
    """How many characters of ``a`` (the window beyond an end of the passage, read
    outwards; reversed when ``reverse``) answer ``q``, the quote's differing end: as many
    as make the same text after NFC, else as many as ``q`` has."""
    for n in range(min(len(a), len(q) + 2) + 1):
        part = a[:n][::-1] if reverse else a[:n]
        if unicodedata.normalize("NFC", part) == unicodedata.normalize("NFC", q):
            return n
    return min(len(q), len(a))


def _script(ch: str) -> str | None:
    """The script word of a letter's Unicode name (``LATIN``, ``CYRILLIC``, ``GREEK``)."""
    if not unicodedata.category(ch).startswith("L"):
        return None
    return unicodedata.name(ch, "?").split()[0]


def _cause(q: str, a: str) -> str | None:
    """The likely cause of one difference, when it is one of the usual ones."""
    if q and a and unicodedata.normalize("NFC", q) == unicodedata.normalize("NFC", a):
        return ("the same letters, the accent written as a separate combining character "
                "(NFD); write the composed character as the article does (NFC)")
    if "$" in a and "$" not in q:
        return ("the quote lacks the article's $ (written \\$ in the seed): in a shell, $ "
                "inside double quotes starts a variable ($1bn loses $1), so pass the quote "
                "in single quotes")
    if q and a and "".join(_QUOTES.get(c, c) for c in q) == "".join(
            _QUOTES.get(c, c) for c in a):
        return "straight and typographic quotation marks differ; copy the article's"
    scripts = {s for c in q + a if (s := _script(c))}
    if len(scripts) > 1 and len(q) == len(a):
        return (f"letters from different scripts ({', '.join(sorted(scripts))}) that look "
                "alike (a homoglyph); type the letter as the article has it")
    if q.isspace() or a.isspace():
        return "a different kind or number of spaces"
    return None


def _code(ch: str) -> str:
    return f"U+{ord(ch):04X} {unicodedata.name(ch, 'unnamed')}"


def _shown(text: str) -> str:
    if not text:
        return "nothing"
    codes = ", ".join(_code(c) for c in text[:6]) + (", …" if len(text) > 6 else "")
    return f"“{text}” ({codes})"
