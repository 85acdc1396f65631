"""The output of ``bdigest-data coverage``: the sentence and figure ledgers, per article.

Text: one table of the units of each article (covered by a fact row's quote, set aside by
disposition, unaccounted), one table of its figures (covered, set aside, uncovered), then
every unaccounted sentence and uncovered figure with the coverage-ledger row to paste;
``units=True`` lists every unit with its status. JSON (format ``bdigest-data-coverage/1``):
``articles`` (each ``ArticleCoverage.to_dict()``, its ``units`` only with ``units=True``)
and ``totals`` over the articles.
"""

from __future__ import annotations

import json
from typing import Any

from bdigest_data.validation.checks.coverage.coverage import ArticleCoverage, ledger_row
from bdigest_data.validation.checks.coverage.units import short

FORMAT = "bdigest-data-coverage/1"
_NUMBERS = ("sentences", "sentences_covered", "figures", "figures_covered", "figures_set_aside")


def totals(entries: list[ArticleCoverage]) -> dict[str, Any]:
    """Sums over the articles: units, covered, set aside by disposition, unaccounted,
    and the figures."""
    out: dict[str, Any] = {k: sum(getattr(e, k) for e in entries) for k in _NUMBERS}
    out["set_aside"] = {}
    for e in entries:
        for reason, n in e.set_aside.items():
            out["set_aside"][reason] = out["set_aside"].get(reason, 0) + n
    out["unaccounted"] = sum(len(e.unaccounted) for e in entries)
    out["uncovered"] = sum(len(e.uncovered) for e in entries)
    return out


def render_json(entries: list[ArticleCoverage], *, units: bool = False) -> str:
    articles = []
    for e in entries:
        d = e.to_dict()
        if not units:
            del d["units"]
        articles.append(d)
    return json.dumps({"format": FORMAT, "articles": articles, "totals": totals(entries)},
                      indent=2, ensure_ascii=False) + "\n"


def render_text(entries: list[ArticleCoverage], *, units: bool = False) -> str:
    reasons = list(entries[0].set_aside) if entries else []
    width = max([len("article"), len("total")] + [len(e.source_id) for e in entries])
    lines = ["Sentences: covered by a fact row's quote, set aside (by disposition), unaccounted",
             f"{'article':<{width}} {'units':>5} {'covered':>7} "
             + " ".join(f"{r:>{max(len(r), 4)}}" for r in reasons) + f" {'unaccounted':>11}"]

    def sentence_row(name: str, t: dict[str, Any]) -> str:
        return (f"{name:<{width}} {t['sentences']:>5} {t['sentences_covered']:>7} "
                + " ".join(f"{t['set_aside'].get(r, 0):>{max(len(r), 4)}}" for r in reasons)
                + f" {t['unaccounted']:>11}")

    def figure_row(name: str, t: dict[str, Any]) -> str:
        return (f"{name:<{width}} {t['figures']:>7} {t['figures_covered']:>7} "
                f"{t['figures_set_aside']:>9} {t['uncovered']:>9}")

    per = [(e.source_id, totals([e])) for e in entries]
    lines += [sentence_row(n, t) for n, t in per]
    lines += [sentence_row("total", totals(entries)), "",
              "Figures: inside a quote, set aside (with their sentence or by a ledger row), "
              "uncovered",
              f"{'article':<{width}} {'figures':>7} {'covered':>7} {'set aside':>9} "
              f"{'uncovered':>9}"]
    lines += [figure_row(n, t) for n, t in per]
    lines.append(figure_row("total", totals(entries)))
    todo = [(e, u.sentence_id, u.line, u.text, "") for e in entries for u in e.unaccounted]
    gaps = {u.sentence_id for e in entries for u in e.unaccounted}
    todo += [(e, f.sentence_id, f.line, f.sentence, f.figure) for e in entries
             for f in e.uncovered if f.sentence_id not in gaps]
    if todo:
        lines += ["", "To account for (add a fact row, or this row with a disposition to the "
                      "coverage ledger):"]
        for e, sid, line, text, figure in todo:
            what = f"figure {figure!r} in " if figure else ""
            lines.append(f"  {what}{sid} ({e.seed_file} line {line}): "
                         f"{ledger_row(sid, text, figure)}")
    if units:
        lines += ["", "Units:"]
        for e in entries:
            for u in e.units:
                how = f"{u.status} (by rule)" if u.by_rule else u.status
                lines.append(f"  {u.sentence_id:<{width + 4}} {how:<20} {short(u.text)}")
    return "\n".join(lines) + "\n"
