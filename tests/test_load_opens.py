"""A cold ``load`` reads the descriptor and the sources table only a few times (#19).

Counted in a fresh interpreter with an audit hook on ``open`` (every file Python opens:
the reader's ``os.open`` and ``open``; not pyarrow's own reads of a CSV, which never
open the descriptor). The loader builds its one-line citation from the model it holds,
without the release tooling.
"""

from __future__ import annotations

import json
import subprocess
import sys

_COUNT = """
import collections, json, os, sys
opens = collections.Counter()
def hook(event, args):
    if event == "open" and isinstance(args[0], (str, bytes, os.PathLike)):
        opens[os.path.basename(os.fsdecode(args[0]))] += 1
sys.addaudithook(hook)
import bdigest_data as bd
frame = bd.load("visits")
print(json.dumps({"opens": opens, "citation": frame.attrs["citation"],
                  "modules": sorted(m for m in sys.modules if m.startswith("bdigest_data"))}))
"""


def test_a_cold_load_opens_the_descriptor_thrice_and_sources_twice():
    out = subprocess.run([sys.executable, "-c", _COUNT], capture_output=True, text=True,
                         check=True).stdout
    seen = json.loads(out.splitlines()[-1])
    # the model's read, its content digest, the version check's pattern over its text
    assert seen["opens"]["datapackage.json"] <= 3, seen["opens"]
    # its content digest, which the integrity check reuses (hashed again only if it changed
    # within the reader's racy window); pyarrow's own open is not counted here
    assert seen["opens"]["sources.csv"] <= 2, seen["opens"]
    assert not [m for m in seen["modules"] if m.startswith("bdigest_data.release")]
    import bdigest_data as bd

    assert seen["citation"] == bd.cite("apa").strip()
