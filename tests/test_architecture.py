"""Fitness tests of the layout: the import rules of docs/architecture.md hold for every
module, there is no import cycle, and validation/ keeps its checks in group folders.

The rules are read from the document's tables, so the page and the test cannot disagree.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "bdigest_data"
DOC = ROOT / "docs" / "architecture.md"
PUBLIC = "bdigest_data (public API)"


@dataclass(frozen=True)
class Unit:
    floor: int
    name: str
    members: tuple[str, ...]  # "metadata/" (a folder), "cli.py" (a file), "*/cli.py"


def _table(marker: str) -> list[list[str]]:
    """The rows (cells) of the Markdown table after the comment containing ``marker``."""
    lines = DOC.read_text(encoding="utf-8").split(marker, 1)[1].splitlines()[1:]
    rows = []
    for line in lines:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip("|").split("|")]
        if not set(cells[0]) <= set("-"):
            rows.append(cells)
    return rows[1:]  # without the header


def units() -> list[Unit]:
    return [Unit(int(floor), name, tuple(re.findall(r"`([^`]+)`", holds)))
            for floor, name, holds, *_ in _table("import rules:")]


def unit_of(rel: str, table: list[Unit]) -> Unit:
    """The unit of a module given by its path under ``src/bdigest_data/``."""
    def matches(member: str) -> bool:
        if member == "*/cli.py":
            return "/" in rel and rel.endswith("/cli.py")
        return rel.startswith(member) if member.endswith("/") else rel == member
    # the most specific member wins: "*/cli.py" before its folder
    for member, unit in sorted(((m, u) for u in table for m in u.members),
                               key=lambda mu: mu[0] != "*/cli.py"):
        if matches(member):
            return unit
    raise AssertionError(f"{rel} is in no unit of docs/architecture.md")


@dataclass(frozen=True)
class Import:
    target: str  # path under src/bdigest_data/ ("metadata/files.py"), or PUBLIC
    line: int
    executed: bool  # run when the module is imported (not in a function nor TYPE_CHECKING)


def imports(source: str, files: set[str], public: set[str]) -> list[Import]:
    """The imports of our modules in ``source``, resolved to files (``files``: every module
    path); ``from bdigest_data import NAME`` of a public name is the public API."""
    def path_of(module: str) -> str | None:
        rel = module.removeprefix("bdigest_data").lstrip(".").replace(".", "/")
        for candidate in (f"{rel}.py", f"{rel}/__init__.py" if rel else "__init__.py"):
            if candidate in files:
                return candidate
        return None

    found: list[Import] = []

    def walk(node: ast.AST, executed: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                walk(child, False)
                continue
            names: list[str] = []
            if isinstance(child, ast.Import):
                names = [a.name for a in child.names]
            elif isinstance(child, ast.ImportFrom) and (child.module or "").startswith(
                    "bdigest_data"):
                for alias in child.names:
                    sub = path_of(f"{child.module}.{alias.name}")
                    if sub is not None:
                        found.append(Import(sub, child.lineno, executed))
                    elif child.module == "bdigest_data" and alias.name in public:
                        found.append(Import(PUBLIC, child.lineno, executed))
                    else:
                        names.append(child.module)
            for name in names:
                if name.startswith("bdigest_data") and (target := path_of(name)) is not None:
                    found.append(Import(target, child.lineno, executed))
            inner = isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            walk(child, executed and not inner)

    walk(ast.parse(source), True)
    return found


def sources() -> dict[str, str]:
    return {p.relative_to(SRC).as_posix(): p.read_text(encoding="utf-8")
            for p in SRC.rglob("*.py")}


def public_names() -> set[str]:
    import bdigest_data

    return set(bdigest_data.__all__)


def breaches(code: dict[str, str], table: list[Unit], public: set[str]) -> set[tuple[str, str]]:
    """(importer, imported) pairs that break the rules of the table (see the document)."""
    files = set(code)
    wings = max(u.floor for u in table if u.name != "commands")
    found = set()
    for rel, source in code.items():
        mine = unit_of(rel, table)
        for imp in imports(source, files, public):
            if imp.target == PUBLIC:
                ok = mine.floor >= wings
            else:
                theirs = unit_of(imp.target, table)
                ok = theirs == mine or theirs.floor < mine.floor
                if "/" in imp.target and imp.target.endswith("/cli.py"):
                    ok = rel == "cli.py"
            if not ok:
                found.add((rel, imp.target))
    return found


def test_every_import_points_down_as_docs_architecture_says():
    table = units()
    assert {u.name for u in table} >= {"model", "engine", "text", "validator", "loader",
                                       "commands"}
    found = sorted(breaches(sources(), table, public_names()))
    assert not found, ("imports that break docs/architecture.md (an arrow up or across; "
                       f"see the page for where the code belongs): {found}")


def test_every_module_is_in_a_unit_and_only_cli_names_a_command_module():
    table = units()
    code = sources()
    for rel in code:
        unit_of(rel, table)
    for rel, source in code.items():
        named = re.findall(r"bdigest_data\.(\w+)\.cli\b", source)
        assert rel == "cli.py" or not named, f"{rel} names a */cli.py module: {named}"


def test_the_rule_check_catches_what_it_names():
    table = units()
    code = {
        "metadata/x.py": "from bdigest_data.loader import frames\n",  # up
        "engine/y.py": "def f():\n    from bdigest_data.text import evidence\n",  # across
        "website/z.py": "from bdigest_data import cite\nfrom bdigest_data.exports import sql\n",
        "release/c.py": "from bdigest_data.metadata import files\n",  # down: fine
        "text/evidence.py": "", "loader/frames.py": "", "exports/sql.py": "",
        "metadata/files.py": "", "release/cli.py": "", "__init__.py": "",
        "exports/w.py": "from bdigest_data.release import cli\n",  # a command module
    }
    assert breaches(code, table, {"cite"}) == {
        ("metadata/x.py", "loader/frames.py"), ("engine/y.py", "text/evidence.py"),
        ("website/z.py", "exports/sql.py"), ("exports/w.py", "release/cli.py")}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt):], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_no_import_cycle():
    table = units()
    code = sources()
    files, public = set(code), public_names()
    executed = {rel: {i.target for i in imports(src, files, public)
                      if i.executed and i.target != PUBLIC} - {rel}
                for rel, src in code.items()}
    assert _cycle(executed) is None, f"an import cycle: {_cycle(executed)}"
    between: dict[str, set[str]] = {}
    for rel, src in code.items():
        mine = unit_of(rel, table).name
        between.setdefault(mine, set()).update(
            unit_of(i.target, table).name for i in imports(src, files, public)
            if i.target != PUBLIC and unit_of(i.target, table).name != mine)
    assert _cycle(between) is None, f"a cycle between units: {_cycle(between)}"


def test_the_cycle_check_finds_one():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_validation_keeps_a_dozen_modules_at_the_top_and_its_checks_in_group_folders():
    top = sorted(p.name for p in (SRC / "validation").glob("*.py"))
    assert len(top) <= 12, top
    from bdigest_data.validation import GROUPS, registry

    folders = {p.parent.name for p in (SRC / "validation" / "checks").glob("*/__init__.py")}
    assert set(registry.groups()) == set(GROUPS) == folders
    assert {c.group for c in registry.checks()} == folders


@pytest.mark.parametrize("floor", ["metadata/", "engine/", "text/"])
def test_the_floors_import_nothing_above_them(floor):
    code = sources()
    files, public = set(code), public_names()
    above = {"validation/", "loader/", "exports/", "release/", "authoring/", "website/",
             "cli.py", "cliargs.py", "dictionary.py", "__init__.py"}
    for rel, src in code.items():
        if rel.startswith(floor):
            reached = {i.target for i in imports(src, files, public)}
            assert not {t for t in reached if t == PUBLIC or any(
                t.startswith(a) or t == a for a in above)}, (rel, reached)


def _named_on_the_page() -> tuple[set[str], set[str]]:
    """(files, dotted names) the page writes in backticks: ``metadata/files.py``,
    ``docs/``, ``files.py``; ``layout.NAV``, ``metadata.docs_files``."""
    tokens = set(re.findall(r"`([^`\s]+)`", DOC.read_text(encoding="utf-8")))
    files = {t for t in tokens if re.fullmatch(r"[\w./-]+(\.py|/)", t)}
    names = {t for t in tokens if re.fullmatch(r"[a-z_]\w*(\.\w+)+", t) and t not in files}
    return files, names


def _resolve(name: str) -> bool | None:
    """Whether dotted ``name`` is an attribute of one of our modules (``layout.NAV``: of
    ``bdigest_data.website.layout``); ``None`` when no module is named so (``bd.cite``)."""
    import importlib

    parts = name.split(".")
    modules = {".".join(("bdigest_data", *p.relative_to(SRC).with_suffix("").parts))
               .removesuffix(".__init__") for p in SRC.rglob("*.py")}
    for k in range(len(parts) - 1, 0, -1):
        head = ".".join(parts[:k])
        found = sorted(m for m in modules if m == f"bdigest_data.{head}"
                       or m.endswith(f".{head}"))
        if found:
            obj: object = importlib.import_module(found[0])
            for attr in parts[k:]:
                if not hasattr(obj, attr):
                    return False
                obj = getattr(obj, attr)
            return True
    return None


def test_every_file_and_name_the_page_gives_exists():
    files, names = _named_on_the_page()
    everything = {p.relative_to(SRC).as_posix() for p in SRC.rglob("*")} | {
        p.name for p in SRC.rglob("*")}
    missing = sorted(f for f in files if "*" not in f and f.rstrip("/") not in everything
                     and not (ROOT / f).exists())
    assert not missing, f"docs/architecture.md names files that do not exist: {missing}"
    wrong = sorted(n for n in names if _resolve(n) is False)
    assert not wrong, f"docs/architecture.md names what the modules do not hold: {wrong}"
    assert {"layout.NAV", "metadata.DOCS", "validation.GROUPS"} <= names


# --- one reader: CSV parsed and SHA-256 computed in one place each -------------------------

# what each kind of reading is, and the one module allowed to do it
READERS = {
    "csv text": "metadata/files.py",  # csv.reader, csv.DictReader, the field-size limit
    "csv arrow": "engine/stream.py",  # pyarrow.csv
    "sha256": "metadata/files.py",  # hashlib
}
_CSV_READING = {"reader", "DictReader", "field_size_limit", "Sniffer"}


def readings(source: str) -> set[str]:
    """The kinds of reading (``READERS``) that ``source`` does itself."""
    found = set()
    for n in ast.walk(ast.parse(source)):
        if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name):
            if n.value.id == "csv" and n.attr in _CSV_READING:
                found.add("csv text")
        elif isinstance(n, ast.Import):
            modules = {a.name for a in n.names}
            found |= {"csv arrow"} if "pyarrow.csv" in modules else set()
            found |= {"sha256"} if "hashlib" in modules else set()
        elif isinstance(n, ast.ImportFrom):
            names = {a.name for a in n.names}
            if n.module == "csv" and names & _CSV_READING:
                found.add("csv text")
            if n.module == "pyarrow.csv" or (n.module == "pyarrow" and "csv" in names):
                found.add("csv arrow")
            if n.module == "hashlib":
                found.add("sha256")
    return found


def test_csv_is_read_and_sha256_computed_in_one_module_each():
    found = sorted((rel, kind) for rel, src in sources().items() for kind in readings(src)
                   if READERS[kind] != rel)
    assert not found, ("read CSV through metadata.files.records / dict_records or "
                       f"engine.stream, hash through metadata.files: {found}")


def test_only_the_reader_resolves_a_package_path():
    """Where a package is (a folder, a descriptor, an archive, the installed copy) is
    decided in metadata/ (``files_of``, ``open_files``, ``writable_root``,
    ``find_descriptor``); no other module imports ``metadata.paths``."""
    found = sorted(rel for rel, src in sources().items() if not rel.startswith("metadata/")
                   for n in ast.walk(ast.parse(src)) if isinstance(n, ast.ImportFrom)
                   and n.module is not None and n.module.endswith("metadata.paths"))
    assert not found, found


def test_the_reader_check_catches_what_it_names():
    assert readings("import csv\nrows = list(csv.DictReader(fh))\n") == {"csv text"}
    assert readings("from csv import reader\n") == {"csv text"}
    assert readings("import pyarrow.csv as pacsv\n") == {"csv arrow"}
    assert readings("from pyarrow import csv\n") == {"csv arrow"}
    assert readings("import hashlib\n") == {"sha256"}
    assert readings("from hashlib import sha256\n") == {"sha256"}
    assert readings("import csv\ncsv.writer(out).writerow(row)\n") == set()


# --- the vocabulary: roles, annotation keys and table names only in metadata/roles.py ----

ROLES_MODULE = "metadata/roles.py"
# Uses of a role's or table's word that bind to no table or role (a count in the coverage
# report is called "sentences"); each is (module, word).
NOT_BINDINGS = {
    ("validation/report/coverage_render.py", "sentences"),  # a count of the coverage report
    ("website/coverage.py", "sentences"),  # the same count, shown on the site
    ("website/content.py", "sentences"),  # the site's own count of an article's sentences
    ("website/pages.py", "sentences"),  # whether the report has that count
    ("validation/checks/dataset/derivations.py", "persons"),  # the field of the names counted
    ("validation/checks/dataset/__init__.py", "derivations"),  # the module of that name
    ("__init__.py", "sources"),  # the public function bd.sources
    ("metadata/discovery.py", "sources"),  # the descriptor's own "sources" property
}


def vocabulary() -> tuple[set[str], set[str]]:
    """(strict, plain): the words of ``metadata/roles.py``. A strict word (a table name, a
    table's role, a hyphenated field role, an annotation key) is flagged wherever it is
    written; a plain one (``title``, ``number``, ``place`` …, also a field name, a type
    or a label) only where code compares a role with it or asks for a role by it."""
    from bdigest_data.metadata import classes, roles

    words = {v for k, v in vars(roles).items() if k.isupper() and isinstance(v, str)}
    fields = {f["name"] for p in (ROOT / "schemas").glob("*.json")
              for f in json.loads(p.read_text(encoding="utf-8"))["fields"]}
    plain = {w for w in words if w in fields | set(classes.PROFILE_TYPES)
             or w in {roles.TITLE, roles.UNIT, roles.ARTICLE, *roles.NAMED}}
    plain -= tables_of_the_package()
    return words - plain, plain


def tables_of_the_package() -> set[str]:
    desc = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    return {r["name"] for r in desc["resources"] if "schema" in r}


_ROLE_CONTEXT = re.compile(r"\brole\b|\brole_|_role\b|\bevidence\b|^kind$|\bROLE\b")


def spelled(source: str, strict: set[str], plain: set[str]) -> set[tuple[str, int]]:
    """(word, line) of every vocabulary word ``source`` writes as a string (docstrings
    aside): a strict word anywhere, a plain word compared with a role or evidence, or
    given to a call that looks a role up (``with_role``, ``role_name`` …)."""
    tree = ast.parse(source)
    docs = {id(n.body[0].value) for n in ast.walk(tree)
            if isinstance(n, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
            and n.body and isinstance(n.body[0], ast.Expr)
            and isinstance(n.body[0].value, ast.Constant)}

    def words(node: ast.AST) -> list[ast.Constant]:
        return [c for c in ast.walk(node) if isinstance(c, ast.Constant)
                and isinstance(c.value, str) and c.value in plain]

    found = {(n.value, n.lineno) for n in ast.walk(tree)
             if isinstance(n, ast.Constant) and isinstance(n.value, str)
             and id(n) not in docs and n.value in strict}
    for n in ast.walk(tree):
        if isinstance(n, ast.Compare):
            sides = [n.left, *n.comparators]
            if any(_ROLE_CONTEXT.search(ast.unparse(s)) for s in sides):
                found |= {(c.value, c.lineno) for s in sides for c in words(s)}
        elif isinstance(n, ast.Call) and _ROLE_CONTEXT.search(ast.unparse(n.func)):
            found |= {(c.value, c.lineno) for a in n.args for c in words(a)}
    return found


def test_roles_annotation_keys_and_table_names_are_spelled_only_in_metadata_roles():
    strict, plain = vocabulary()
    assert {"sources", "facts", "visits", "char-start", "bdigest:role"} <= strict
    found = sorted((rel, word, line) for rel, src in sources().items() if rel != ROLES_MODULE
                   for word, line in spelled(src, strict, plain)
                   if (rel, word) not in NOT_BINDINGS)
    assert not found, ("a role, annotation key or table name spelled outside "
                       f"metadata/roles.py; use its constant there: {found}")


def test_the_vocabulary_holds_every_role_and_key_the_schemas_use():
    from bdigest_data.metadata import roles

    words = {v for k, v in vars(roles).items() if k.isupper() and isinstance(v, str)}
    used: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                if k.startswith("bdigest:"):
                    used.add(k)
                    if k in (roles.ROLE, roles.EVIDENCE):
                        used.add(v)
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    for p in [ROOT / "datapackage.json", *(ROOT / "schemas").glob("*.json")]:
        walk(json.loads(p.read_text(encoding="utf-8")))
    assert used <= words, sorted(used - words)


def test_the_vocabulary_check_catches_what_it_names():
    strict, plain = vocabulary()
    source = ('"""A docstring may say "sources"."""\n'
              'T = "visits"\n'
              'x = model.with_role("facts")\n'
              'y = schema.role_name("title")\n'
              'z = f.evidence == "number"\n'
              'w = row.get("title")\n'
              'k = f.annotation("bdigest:grain")\n')
    assert {w for w, _ in spelled(source, strict, plain)} == {
        "visits", "facts", "title", "number", "bdigest:grain"}
    assert ("title", 6) not in spelled(source, strict, plain)
