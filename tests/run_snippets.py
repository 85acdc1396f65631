"""Run Python snippets one after another in this one fresh interpreter, each in its own
namespace as ``python -c`` would, and write to the file named by the one argument a JSON
list of what each printed and the traceback it raised (``null`` when it ran). Snippets are
read as a JSON list from stdin.
tests/test_readme_ten_seconds.py uses it to pay for one interpreter, not one a snippet."""

from __future__ import annotations

import contextlib
import io
import json
import sys
import traceback


def run(snippets: list[str]) -> list[dict[str, str | None]]:
    results: list[dict[str, str | None]] = []
    for number, code in enumerate(snippets, 1):
        out = io.StringIO()
        error = None
        with contextlib.redirect_stdout(out):
            try:
                exec(compile(code, f"<snippet {number}>", "exec"), {"__name__": "__main__"})
            except BaseException:  # a snippet's SystemExit too: report it, run the next
                error = traceback.format_exc()
        results.append({"stdout": out.getvalue(), "error": error})
    return results


if __name__ == "__main__":
    sys.path[0] = ""  # the working directory first, as for ``python -c``, not tests/
    results = run(json.load(sys.stdin))
    with open(sys.argv[1], "w", encoding="utf-8") as f:
        json.dump(results, f)
