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
               "coverage", "dataset", "internal")

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
    Code("stale-croissant", "integrity", "Croissant metadata out of date",
         "croissant.json beside the descriptor is not JSON or differs from the Croissant "
         "document datapackage.json and the Table Schemas give (a version, hash, file or "
         "field changed since it was written); bdigest-data stamp rewrites it.", None,
         "croissant.json differs from what datapackage.json and the Table Schemas give (in "
         "version, distribution); rewrite it from datapackage.json: bdigest-data stamp"),
    Code("version-mismatch", "integrity", "Versions differ",
         "datapackage.json, CITATION.cff and pyproject.toml do not give the same version.",
         None, "CITATION.cff has version '9.9.9', datapackage.json '0.1.0'"),
    # provenance
    Code("quote-not-found", "provenance", "Quote not in its article",
         "A fact row's quote (whitespace folded, markup dropped) is not in its own article.",
         None, "quote not found in article 'azerbaijan-independence'"),
    Code("ambiguous-quote", "provenance", "Quote in more than one place",
         "A fact row's quote (normalised as for quote-not-found) occurs more than once in its "
         "article, so its evidence anchor (the annotations export, the site's row card) "
         "cannot say which passage it means; lengthen the quote until it occurs once.",
         None, "quote occurs 2 times in article 'azerbaijan-independence' "
               "(seeds/000.txt characters 0-8210; at 512-530, 2040-2058)"),
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
    # dataset: the rules of the 1.0 data model (naming, magnitudes, derivations, links)
    Code('actor-not-named', 'dataset', 'Actor not named in the quote',
         'An actor field (supplier, recipient, partner, host …) holds an actor none of whose names'
         " (name, aliases, its capital) is in the row's quote, and the row does not list the field"
         ' as derived; e.g. a recipient swapped for another real country.',
         None, 'recipient RUS is not named in the quote (its names: Russia, Russian, Russians, '
               'Kremlin, Moscow)'),
    Code('person-not-named', 'dataset', 'Person not named in the quote',
         "A person field holds a person none of whose name and variants is in the row's quote, and"
         ' the field is not derived.',
         None, 'person_id per:putin is not named in the quote'),
    Code('place-not-named', 'dataset', 'Place not named in the quote',
         "A place_id whose GeoNames name and aliases are not in the row's quote, and the field is "
         'not derived.',
         None, 'place_id 625144 is not named in the quote (its names: Minsk)'),
    Code('variant-not-found', 'dataset', 'Name variant in no article',
         'A persons variants entry that occurs in no article (variants are spellings as written).',
         None, "variant 'Lukashenko' of per:lukasenka occurs in no article"),
    Code('written-missing', 'dataset', 'Figure as written missing',
         'A value that is not derived has no value_as_written.',
         None, 'value is given but value_as_written is empty'),
    Code('written-not-in-quote', 'dataset', 'Figure as written not in the quote',
         "value_as_written does not occur in the row's quote.",
         None, "value_as_written '$79m' does not occur in the quote"),
    Code('written-figure', 'dataset', 'Value is not the figure written',
         'The value is not the figure value_as_written shows (a derived value is exempt).',
         None, "value 79 is not the figure of '$97m'"),
    Code('unit-missing', 'dataset', 'Unit or scale missing',
         'A value without unit or scale, or a unit or scale without a value.',
         None, 'a value needs a unit and a scale'),
    Code('scale-word', 'dataset', 'Scale disagrees with the written scale',
         "The scale is not the one value_as_written's word gives (m/million: million; bn/billion: "
         'billion; thousand; none: one).',
         None, "scale is 'billion' but '$97m' is written in 'million'"),
    Code('currency-word', 'dataset', 'Currency disagrees with the written figure',
         "A '$' or 'dollar' figure without unit currency and currency USD (or unit tiv for SIPRI);"
         " USD without '$'; a currency on a unit that is not money.",
         None, "'$97m' is in dollars: unit 'currency' with currency 'USD' (or unit 'tiv')"),
    Code('measure-missing', 'dataset', 'Measure kind missing',
         'A value or direction without a measure kind, or a measure without either.',
         None, 'a value or a direction needs a measure'),
    Code('aggregation-role', 'dataset', 'Aggregation role inconsistent',
         'aggregation disagrees with part_of: a part without part_of, part_of on a non-part, a '
         "total no row names, a named total that is not 'total', or a measure without aggregation.",
         None, "aggregation is 'total' but no row names it in part_of"),
    Code('part-measure-mismatch', 'dataset', 'Part measured unlike its total',
         "A part's measure or period differs from its total's.",
         None, "period '2013' differs from its total arms-011's '2012'"),
    Code('direction-sign', 'dataset', 'Direction disagrees with the sign',
         "A change whose value's sign disagrees with its direction (a decrease is negative).",
         None, "direction 'decrease' but value 51.4"),
    Code('derivation-missing', 'dataset', 'Derived value without derivation',
         'A derived_fields entry that has no row in derivations.',
         None, "derived_fields lists 'start_date.year' but derivations has no row for it"),
    Code('derivation-orphan', 'dataset', 'Derivation of nothing',
         "A derivation of a row that does not exist, or of a field or part the row's "
         'derived_fields does not list.',
         None, "visits visit-008 does not list 'place_id' in derived_fields"),
    Code('derivation-incomplete', 'dataset', 'Derivation lacks its basis',
         'A basis without what it needs (rests_on_* for row, evidence for text, expression for '
         'arithmetic, claim for external), resting on a row that does not exist, or an offset '
         'or expression that gives no value (no duration, outside the calendar; does not '
         'parse, too deep, divides by zero).',
         None, "basis 'external' needs a claim a reader can check"),
    Code('derivation-evidence', 'dataset', 'Derivation evidence not in the article',
         "The evidence passage of a derivation is not verbatim in the row's article.",
         None, "evidence not found in article 'x'"),
    Code('derivation-disagrees', 'dataset', 'Derived value disagrees with its basis',
         "A derived value is not what its basis gives: the article's publication date, another "
         "row's value, the evidence, the expression, the count of names, the host's capital. "
         "Changing a source's date flags every row derived from it.",
         None, 'visits visit-013 start_date (year) = 2013-11-20 disagrees with its basis '
               "'publication': sources.published is 2012-11?"),
    Code('derivation-uncertainty', 'dataset', 'Uncertain derivation, certain value',
         "A derivation marked uncertain on a date written without '?'.",
         None, "the derivation is uncertain but as_of '2012-04' has no '?'"),
    Code('link-target', 'dataset', 'Event link to no row',
         'An event link whose from or to row does not exist.',
         None, 'no row visits visit-099'),
    Code('link-kind', 'dataset', 'Event link of incompatible rows',
         "The linked rows' tables, kinds, status or visitors do not fit the relation (same_event: "
         'one table; within_visit: a meeting within a visit of the same visitor; '
         'postponed_then_held: postponed then held, same visitor; during_visit: another table to a'
         ' visit).',
         None, "within_visit: needs a meeting within a visit, not 'visit' within 'visit'"),
    Code('link-duplicate', 'dataset', 'Event link repeated',
         'A row linked to itself, or a pair linked twice (in either direction).',
         None, 'repeats link row 4'),
    Code('link-parent', 'dataset', 'Meeting within two visits',
         'A meeting linked within_visit to more than one visit.',
         None, 'visit-002 is already within a visit'),
    Code('link-cycle', 'dataset', 'Event links in a cycle',
         'The directed relations (all but same_event) form a cycle.',
         None, 'the links form a cycle: visits visit-004 -> visits visit-007 -> visits visit-005 '
               '-> visits visit-004'),
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
