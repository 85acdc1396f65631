"""The error catalogue: every finding code bdigest-data reports, in one table.

Each ``Code`` has its group (``metadata`` and ``files`` run whatever checks are chosen;
the others are the check groups of ``bdigest-data validate --checks``, plus ``internal``),
a title, what it means and how to fix it, the frictionless-py error type that reports the
same fault (``None``: frictionless has no such check), and an example message.
``docs/findings.md`` is generated from it (``render``; a test keeps the file current), and
the test suite fails on any finding whose code is not here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Code:
    """One finding code of the catalogue."""

    code: str
    group: str
    title: str
    description: str
    frictionless: str | None
    example: str


GROUP_ORDER = ("metadata", "files", "structure", "integrity", "provenance", "semantics",
               "coverage", "internal")

CATALOGUE: tuple[Code, ...] = (
    # metadata: the descriptor and the Table Schemas (metadata.profile)
    Code("package-error", "metadata", "Unusable descriptor",
         "datapackage.json is not UTF-8 JSON, not an object with a resources list of uniquely "
         "named objects, or breaks the Data Package profile; nothing else is checked.",
         "package-error", 'datapackage.json is not valid JSON: Expecting value (line 1, column 1)'),
    Code("resource-error", "metadata", "Resource breaks the profile",
         "A resource of datapackage.json breaks the Data Package profile (a name, one relative "
         "path; multipart paths are not read); the resource is left out.",
         "resource-error", "datapackage.json /resources/3/path: a list of paths (a multipart "
                           "resource) is not supported"),
    Code("schema-error", "metadata", "Table Schema fault",
         "A Table Schema is not JSON or breaks the profile outside its fields (missingValues "
         "not a list of strings, a malformed key), or a key names a field or table that does "
         "not exist, or a foreign key joins fields of different types. Located by file and "
         "JSON pointer.",
         "schema-error", 'schemas/trade.json /primaryKey: primary key field(s) nope are not '
                         'fields of the schema'),
    Code("field-error", "metadata", "Field fault",
         "A field breaks the Table Schema profile (no name, constraints not an object, "
         "required not a boolean …) or uses a type, format, constraint or property "
         "bdigest-data does not read; the table's rows are not checked.",
         "field-error", 'schemas/trade.json /fields/9/type: field "value": type "datetime" is '
                        "not supported by bdigest-data"),
    # files: the safety rules of the package reader (metadata.files)
    Code("unsafe-path", "files", "Path outside the package",
         "A path in the descriptor (or a seed path) is not relative, is a URL, contains '..', "
         "or resolves through a symlink outside the package directory; it is never opened.",
         "resource-error", "resource \"actors\": path '../secret.csv' contains "
                                         "'..'; it must stay inside the package directory"),
    Code("file-error", "files", "Missing or unreadable file",
         "A file the descriptor names does not exist or cannot be read.",
         "scheme-error", "resource \"rankings\": path 'data/rankings.csv' is not a file"),
    Code("file-too-large", "files", "File over the size limit",
         "A file is larger than the reader's limit (metadata.files.MAX_FILE_BYTES).",
         None, "resource \"seeds\": path 'seeds/000.txt' has 35313 bytes, more than the limit"),
    # structure: what frictionless checks, table by table
    Code("source-error", "structure", "Empty or unreadable CSV",
         "The CSV file is empty (no header line) or cannot be read as CSV.",
         "source-error", "the file is empty; a CSV table needs at least a header line"),
    Code("format-error", "structure", "CSV cannot be parsed",
         "pyarrow cannot parse the file (after a UTF-8 repair and a one-block re-read).",
         "format-error", "the CSV file cannot be parsed: …"),
    Code("encoding-error", "structure", "Not UTF-8",
         "A line of the CSV file is not valid UTF-8 (bad bytes shown).",
         "encoding-error", "line 7 is not valid UTF-8 (bytes ff); the file must be UTF-8"),
    Code("blank-header", "structure", "Blank header", "The header line is empty.",
         "blank-header", "the header line is empty; the first line must name the columns"),
    Code("extra-label", "structure", "Extra column", "The header has more columns than the "
         "schema has fields.", "extra-label", 'column 16 "x" is not in the schema'),
    Code("missing-label", "structure", "Missing column", "The header has fewer columns than "
         "the schema has fields.", "missing-label", 'the header has no column 15'),
    Code("blank-label", "structure", "Blank label", "A column of the header has no label.",
         "blank-label", "column 5 has a blank label"),
    Code("duplicate-label", "structure", "Repeated label", "Two columns have the same label.",
         "duplicate-label", 'column 4 "reporter" repeats the label of column 3'),
    Code("incorrect-label", "structure", "Wrong label",
         "A column's label differs from the field at its position (columns are read by "
         "position).", "incorrect-label", 'column 5 is labelled "role" but field 5 is '
                                          '"visitor_role"'),
    Code("blank-row", "structure", "Blank row", "Every cell of the row is empty.",
         "blank-row", "the row is blank: every cell is empty"),
    Code("missing-cell", "structure", "Too few cells", "A row has fewer cells than the header.",
         "missing-cell", 'the row has 20 cells, the header 21: no cell for column 21'),
    Code("extra-cell", "structure", "Too many cells", "A row has more cells than the header.",
         "extra-cell", "the row has 22 cells, the header 21: cell 22 has no column"),
    Code("type-error", "structure", "Wrong type",
         "A cell is not a value of its field's type (integer, number, date …); no other "
         "spelling than the schema's missingValues is a missing value (NaN is a type error).",
         "type-error", 'type is "integer": expected a whole number such as 12 or -3'),
    Code("constraint-error", "structure", "Constraint broken",
         "A cell breaks a constraint of its field (required, pattern, enum, minimum …).",
         "constraint-error", 'constraint "enum" is listed: the value must be one of: …'),
    Code("unique-error", "structure", "Repeated unique value",
         "A field with unique: true repeats a value of an earlier row.",
         "unique-error", 'constraint "unique" is "True": the value is already in row 1'),
    Code("primary-key", "structure", "Primary key broken",
         "The row's primary key is empty or repeats an earlier row's.",
         "primary-key", 'primary key "visit_id": the key is already in row 1'),
    Code("foreign-key", "structure", "Foreign key broken",
         "The row's foreign key is not a key of the referenced table.",
         "foreign-key", 'foreign key "source_id": the value is not a source_id in table '
                        '"sources"'),
    # integrity
    Code("byte-count", "integrity", "Size differs", "The file's size differs from the "
         "resource's bytes.", "byte-count", "the file has 10683 bytes, datapackage.json says "
                                            "10682"),
    Code("hash-count", "integrity", "Hash differs", "The file's hash differs from the "
         "resource's hash (or its algorithm is unknown).", "hash-count",
         "the file's sha256 is …, datapackage.json says …"),
    Code("unstamped-resource", "integrity", "Resource without hash or bytes",
         "A resource declares no hash or no bytes, so its file could change unseen; stamp it.",
         None, "the resource declares no hash, so its file is not checked"),
    Code("version-mismatch", "integrity", "Versions differ",
         "datapackage.json, CITATION.cff and pyproject.toml do not give the same version.",
         None, "CITATION.cff has version '9.9.9', datapackage.json '0.1.0'"),
    # provenance
    Code("quote-not-found", "provenance", "Quote not in its article",
         "A fact row's quote (whitespace folded, markup dropped) is not in its own article.",
         None, "quote not found in article 'azerbaijan-independence'"),
    Code("figure-not-in-quote", "provenance", "Value not shown by the quote",
         "A number or date of an evidence field is not written in the row's quote, and the "
         "field is not named in derived_fields.", None,
         "value = 98: not written in the quote (figures in it: 2012, 97, 69, 28)"),
    Code("missing-basis-note", "provenance", "Inferred without basis",
         "A row whose value_basis is not 'stated' lacks a basis_note or derived_fields.",
         None, "value_basis is 'inferred' but basis_note is empty"),
    Code("derived-fields-mismatch", "provenance", "Stated but derived",
         "A 'stated' row names derived_fields.", None,
         "value_basis is 'stated' but derived_fields is 'period'"),
    Code("unknown-derived-field", "provenance", "Unknown derived field",
         "derived_fields names a field that is not an evidence field of the table.", None,
         "derived_fields names 'colour', which is not an evidence field of this table"),
    # semantics
    Code("invalid-date", "semantics", "Not a real date",
         "An EDTF value has the right shape but names no real day, or an interval ends "
         "before it starts.", None, "'2013-02-30': day is out of range for month"),
    Code("date-order", "semantics", "End before start",
         "A row's end_X ends before its start_X begins.", None,
         "end_date 2016-11-20 ends before start_date 2016-11-21 begins"),
    Code("after-publication", "semantics", "Dated after its article",
         "A fact is dated after its article can have been published and is not planned.",
         None, "period dated 2019 (from 2019-01-01), after its article was published"),
    Code("invalid-country-code", "semantics", "Not an ISO 3166-1 code",
         "A field annotated bdigest:country-code-when holds no ISO 3166-1 alpha-3 code where "
         "its condition holds.", None, "actor_id 'XYZ' (actor_type 'state') is not an ISO "
                                       "3166-1 alpha-3 code"),
    Code("part-unit-mismatch", "semantics", "Part in other units",
         "A part (bdigest:role part-of) differs from its total in a unit-role field.", None,
         "part of arms-011 but its unit differ from the total's"),
    Code("part-exceeds-total", "semantics", "Part above its total",
         "A part's value exceeds its total's.", None, "value 98 exceeds the value 97 of its "
                                                      "total arms-011"),
    Code("parts-exceed-total", "semantics", "Parts above their total",
         "The parts of a total add up to more than it.", None,
         "its parts (arms-012, arms-013) add up to 98, more than its value 97"),
    Code("source-offsets", "semantics", "Article span wrong",
         "A source's character offsets fall outside its seed text, are not ordered, or its "
         "title is not in its span.", None, "the title of 'x' does not appear in characters "
                                            "0-100 of seeds/000.txt"),
    Code("undeclared-seed", "semantics", "Seed file not declared",
         "A source's seed file is not a resource of datapackage.json with a hash, so the text "
         "its quotes are checked against is itself unchecked.", None,
         "source 'x': seed_file 'seeds/copy.txt' is not a resource of datapackage.json with a "
         "hash"),
    # coverage
    Code("unaccounted-sentence", "coverage", "Sentence not accounted for",
         "A sentence of an article overlaps no fact row's quote and has no coverage-ledger "
         "row setting it aside with a disposition.", None,
         "article 'x': sentence x:004 (seeds/000.txt line 5, “During the visit, …”) overlaps "
         "no fact row's quote and is not set aside"),
    Code("uncovered-figure", "coverage", "Figure not captured",
         "A figure of a covered sentence lies outside every fact row's quote, and the "
         "sentence's coverage-ledger row does not name it.", None,
         "article 'x': the figure '97' (seeds/000.txt line 12, sentence x:013) is in no fact "
         "row's quote"),
    Code("stale-disposition", "coverage", "Stale ledger row",
         "A coverage-ledger row that no longer applies: its sentence does not exist or its "
         "text changed, a quote now covers it, it sets aside a heading, caption or credit "
         "(done by rule), it names a figure that is not an uncovered figure of its covered "
         "sentence, or its recorded_in is missing, misplaced or not a covered sentence.", None,
         "the sentence x:006 (analysis): a fact row's quote now overlaps the sentence; remove "
         "the row"),
    Code("sentence-error", "coverage", "Sentence table out of date",
         "The sentences table does not match the seed texts (ids, order, offsets, text, or a "
         "word outside every unit); regenerate it.", None,
         "article 'x': unit x:003 text differs from the seed"),
    # internal
    Code("internal-error", "internal", "Bug in bdigest-data",
         "A check stopped with an exception; the other groups still ran. Please report it.",
         None, "the semantics checks stopped with KeyError: 'x'"),
)

CODES: dict[str, Code] = {c.code: c for c in CATALOGUE}


def render() -> str:
    """``docs/findings.md``: the catalogue as Markdown, by group."""
    lines = ["# Finding codes", "",
             "Generated from `bdigest_data.validation.catalogue` (do not edit by hand). Every "
             "finding that `bdigest-data validate` and `bdigest_data.load` report has one of "
             "these codes. *frictionless* is the frictionless-py error type that reports the "
             "same fault (— where frictionless has no such check).", ""]
    for group in GROUP_ORDER:
        codes = [c for c in CATALOGUE if c.group == group]
        lines += [f"## {group}", "", "| Code | Title | Meaning | frictionless | Example |",
                  "| --- | --- | --- | --- | --- |"]
        lines += [f"| `{c.code}` | {c.title} | {_cell(c.description)} | "
                  f"{'`' + c.frictionless + '`' if c.frictionless else '—'} | "
                  f"{_cell(c.example)} |" for c in codes]
        lines.append("")
    return "\n".join(lines)


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")
