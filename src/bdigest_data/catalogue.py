"""The error catalogue: every finding code bdigest-data reports, in one table.

Each ``Code`` has its group (``metadata`` and ``files`` run whatever checks are chosen;
the others are the check groups of ``bdigest-data validate --checks``, plus ``internal``),
a title, what it means and how to fix it, the frictionless-py error type that reports the
same fault (``None``: frictionless has no such check), and an example message.
``docs/findings.md`` is generated from it (``render``; a test keeps the file current), and
every emitter imports its code from here (a test fails on a code written as a string
elsewhere), and the test suite fails on any finding whose code is not here.
"""

from __future__ import annotations

from typing import Any


class Code(str):
    """One finding code of the catalogue: the code itself, a string as reports write it
    (``PRIMARY_KEY == "primary-key"``), with its group, title, meaning, frictionless type
    and example. Emitters import the constant (``from bdigest_data.catalogue import
    PRIMARY_KEY``), so a code that is not catalogued cannot be written."""

    group: str
    title: str
    description: str
    frictionless: str | None
    example: str

    def __new__(cls, code: str, group: str, title: str, description: str,
                frictionless: str | None, example: str) -> Code:
        self = super().__new__(cls, code)
        self.group, self.title, self.description = group, title, description
        self.frictionless, self.example = frictionless, example
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        return Code, (str(self), self.group, self.title, self.description,
                      self.frictionless, self.example)

    @property
    def code(self) -> str:
        return str(self)


GROUP_ORDER = ("metadata", "files", "structure", "integrity", "provenance", "semantics",
               "coverage", "dataset", "internal")

# metadata: the descriptor and the Table Schemas (metadata.profile)
PACKAGE_ERROR = Code(
    "package-error", "metadata", "Unusable descriptor",
    "datapackage.json is not UTF-8 JSON, not an object with a resources list of uniquely "
    "named objects, or breaks the Data Package profile; nothing else is checked.",
    "package-error", 'datapackage.json is not valid JSON: Expecting value (line 1, column 1)')
RESOURCE_ERROR = Code(
    "resource-error", "metadata", "Resource breaks the profile",
    "A resource of datapackage.json breaks the Data Package profile (a name, one relative "
    "path; multipart paths are not read); the resource is left out.",
    "resource-error", "datapackage.json /resources/3/path: a list of paths (a multipart "
                      "resource) is not supported")
SCHEMA_ERROR = Code(
    "schema-error", "metadata", "Table Schema fault",
    "A Table Schema is not JSON or breaks the profile outside its fields (missingValues "
    "not a list of strings, a malformed key), or a key names a field or table that does "
    "not exist, or a foreign key joins fields of different types. Located by file and "
    "JSON pointer.",
    "schema-error", 'schemas/trade.json /primaryKey: primary key field(s) nope are not '
                    'fields of the schema')
FIELD_ERROR = Code(
    "field-error", "metadata", "Field fault",
    "A field breaks the Table Schema profile (no name, constraints not an object, "
    "required not a boolean …) or uses a type, format, constraint or property "
    "bdigest-data does not read; the table's rows are not checked.",
    "field-error", 'schemas/trade.json /fields/9/type: field "value": type "datetime" is '
                   "not supported by bdigest-data")
# files: the safety rules of the package reader (metadata.files)
UNSAFE_PATH = Code(
    "unsafe-path", "files", "Path outside the package",
    "A path in the descriptor (or a seed path) is not relative, is a URL, contains '..', "
    "or resolves through a symlink outside the package directory; it is never opened.",
    "resource-error", "resource \"actors\": path '../secret.csv' contains "
                                    "'..'; it must stay inside the package directory")
FILE_ERROR = Code(
    "file-error", "files", "Missing or unreadable file",
    "A file the descriptor names does not exist or cannot be read.",
    "scheme-error", "resource \"rankings\": path 'data/rankings.csv' is not a file")
FILE_TOO_LARGE = Code(
    "file-too-large", "files", "File over the size limit",
    "A file is larger than the reader's limit (metadata.files.MAX_FILE_BYTES).",
    None, "resource \"seeds\": path 'seeds/000.txt' has 35313 bytes, more than the limit")
# structure: what frictionless checks, table by table
SOURCE_ERROR = Code(
    "source-error", "structure", "Empty or unreadable CSV",
    "The CSV file is empty (no header line) or cannot be read as CSV.",
    "source-error", "the file is empty; a CSV table needs at least a header line")
FORMAT_ERROR = Code(
    "format-error", "structure", "CSV cannot be parsed",
    "pyarrow cannot parse the file (after a UTF-8 repair and a one-block re-read).",
    "format-error", "the CSV file cannot be parsed: …")
ENCODING_ERROR = Code(
    "encoding-error", "structure", "Not UTF-8",
    "A line of the CSV file is not valid UTF-8 (bad bytes shown).",
    "encoding-error", "line 7 is not valid UTF-8 (bytes ff); the file must be UTF-8")
BLANK_HEADER = Code(
    "blank-header", "structure", "Blank header", "The header line is empty.",
    "blank-header", "the header line is empty; the first line must name the columns")
EXTRA_LABEL = Code(
    "extra-label", "structure", "Extra column", "The header has more columns than the "
    "schema has fields.", "extra-label", 'column 16 "x" is not in the schema')
MISSING_LABEL = Code(
    "missing-label", "structure", "Missing column", "The header has fewer columns than "
    "the schema has fields.", "missing-label", 'the header has no column 15')
BLANK_LABEL = Code(
    "blank-label", "structure", "Blank label", "A column of the header has no label.",
    "blank-label", "column 5 has a blank label")
DUPLICATE_LABEL = Code(
    "duplicate-label", "structure", "Repeated label", "Two columns have the same label.",
    "duplicate-label", 'column 4 "reporter" repeats the label of column 3')
INCORRECT_LABEL = Code(
    "incorrect-label", "structure", "Wrong label",
    "A column's label differs from the field at its position (columns are read by "
    "position).", "incorrect-label", 'column 5 is labelled "role" but field 5 is '
                                     '"visitor_role"')
BLANK_ROW = Code(
    "blank-row", "structure", "Blank row", "Every cell of the row is empty.",
    "blank-row", "the row is blank: every cell is empty")
MISSING_CELL = Code(
    "missing-cell", "structure", "Too few cells", "A row has fewer cells than the header.",
    "missing-cell", 'the row has 20 cells, the header 21: no cell for column 21')
EXTRA_CELL = Code(
    "extra-cell", "structure", "Too many cells", "A row has more cells than the header.",
    "extra-cell", "the row has 22 cells, the header 21: cell 22 has no column")
TYPE_ERROR = Code(
    "type-error", "structure", "Wrong type",
    "A cell is not a value of its field's type (integer, number, date …); no other "
    "spelling than the schema's missingValues is a missing value (NaN is a type error).",
    "type-error", 'type is "integer": expected a whole number such as 12 or -3')
CONSTRAINT_ERROR = Code(
    "constraint-error", "structure", "Constraint broken",
    "A cell breaks a constraint of its field (required, pattern, enum, minimum …).",
    "constraint-error", 'constraint "enum" is listed: the value must be one of: …')
UNIQUE_ERROR = Code(
    "unique-error", "structure", "Repeated unique value",
    "A field with unique: true repeats a value of an earlier row.",
    "unique-error", 'constraint "unique" is "True": the value is already in row 1')
PRIMARY_KEY = Code(
    "primary-key", "structure", "Primary key broken",
    "The row's primary key is empty or repeats an earlier row's.",
    "primary-key", 'primary key "visit_id": the key is already in row 1')
FOREIGN_KEY = Code(
    "foreign-key", "structure", "Foreign key broken",
    "The row's foreign key is not a key of the referenced table.",
    "foreign-key", 'foreign key "source_id": the value is not a source_id in table '
                   '"sources"')
# integrity
BYTE_COUNT = Code(
    "byte-count", "integrity", "Size differs", "The file's size differs from the "
    "resource's bytes.", "byte-count", "the file has 10683 bytes, datapackage.json says "
                                       "10682")
HASH_COUNT = Code(
    "hash-count", "integrity", "Hash differs", "The file's hash differs from the "
    "resource's hash (or its algorithm is unknown).", "hash-count",
    "the file's sha256 is …, datapackage.json says …")
UNSTAMPED_RESOURCE = Code(
    "unstamped-resource", "integrity", "Resource without hash or bytes",
    "A resource declares no hash or no bytes, so its file could change unseen; stamp it.",
    None, "the resource declares no hash, so its file is not checked")
STALE_CROISSANT = Code(
    "stale-croissant", "integrity", "Croissant metadata out of date",
    "croissant.json beside the descriptor is not JSON or differs from the Croissant "
    "document datapackage.json and the Table Schemas give (a version, hash, file or "
    "field changed since it was written); bdigest-data stamp rewrites it.", None,
    "croissant.json differs from what datapackage.json and the Table Schemas give (in "
    "version, distribution); rewrite it from datapackage.json: bdigest-data stamp")
VERSION_MISMATCH = Code(
    "version-mismatch", "integrity", "Versions differ",
    "datapackage.json, CITATION.cff and pyproject.toml do not give the same version.",
    None, "CITATION.cff has version '9.9.9', datapackage.json '0.1.0'")
# provenance
QUOTE_NOT_FOUND = Code(
    "quote-not-found", "provenance", "Quote not in its article",
    "A fact row's quote (whitespace folded, markup dropped) is not in its own article.",
    None, "quote not found in article 'azerbaijan-independence'")
AMBIGUOUS_QUOTE = Code(
    "ambiguous-quote", "provenance", "Quote in more than one place",
    "A fact row's quote (normalised as for quote-not-found) occurs more than once in its "
    "article, so its evidence anchor (the annotations export, the site's row card) "
    "cannot say which passage it means; lengthen the quote until it occurs once.",
    None, "quote occurs 2 times in article 'azerbaijan-independence' "
          "(seeds/000.txt characters 0-8210; at 512-530, 2040-2058)")
FIGURE_NOT_IN_QUOTE = Code(
    "figure-not-in-quote", "provenance", "Value not shown by the quote",
    "A number or date of an evidence field is not written in the row's quote, and the "
    "field is not named in derived_fields.", None,
    "value = 98: not written in the quote (figures in it: 2012, 97, 69, 28)")
MISSING_BASIS_NOTE = Code(
    "missing-basis-note", "provenance", "Inferred without basis",
    "A row whose value_basis is not 'stated' lacks a basis_note or derived_fields.",
    None, "value_basis is 'inferred' but basis_note is empty")
DERIVED_FIELDS_MISMATCH = Code(
    "derived-fields-mismatch", "provenance", "Stated but derived",
    "A 'stated' row names derived_fields.", None,
    "value_basis is 'stated' but derived_fields is 'period'")
UNKNOWN_DERIVED_FIELD = Code(
    "unknown-derived-field", "provenance", "Unknown derived field",
    "derived_fields names a field that is not an evidence field of the table.", None,
    "derived_fields names 'colour', which is not an evidence field of this table")
# semantics
INVALID_DATE = Code(
    "invalid-date", "semantics", "Not a real date",
    "An EDTF value has the right shape but names no real day, or an interval ends "
    "before it starts.", None, "'2013-02-30': day is out of range for month")
DATE_ORDER = Code(
    "date-order", "semantics", "End before start",
    "A row's end_X ends before its start_X begins.", None,
    "end_date 2016-11-20 ends before start_date 2016-11-21 begins")
AFTER_PUBLICATION = Code(
    "after-publication", "semantics", "Dated after its article",
    "A fact is dated after its article can have been published and is not planned.",
    None, "period dated 2019 (from 2019-01-01), after its article was published")
INVALID_COUNTRY_CODE = Code(
    "invalid-country-code", "semantics", "Not an ISO 3166-1 code",
    "A field annotated bdigest:country-code-when holds no ISO 3166-1 alpha-3 code where "
    "its condition holds.", None, "actor_id 'XYZ' (actor_type 'state') is not an ISO "
                                  "3166-1 alpha-3 code")
PART_UNIT_MISMATCH = Code(
    "part-unit-mismatch", "semantics", "Part in other units",
    "A part (bdigest:role part-of) differs from its total in a unit-role field.", None,
    "part of arms-011 but its unit differ from the total's")
PART_EXCEEDS_TOTAL = Code(
    "part-exceeds-total", "semantics", "Part above its total",
    "A part's value exceeds its total's.", None, "value 98 exceeds the value 97 of its "
                                                 "total arms-011")
PARTS_EXCEED_TOTAL = Code(
    "parts-exceed-total", "semantics", "Parts above their total",
    "The parts of a total add up to more than it.", None,
    "its parts (arms-012, arms-013) add up to 98, more than its value 97")
SOURCE_OFFSETS = Code(
    "source-offsets", "semantics", "Article span wrong",
    "A source's character offsets fall outside its seed text, are not ordered, or its "
    "title is not in its span.", None, "the title of 'x' does not appear in characters "
                                       "0-100 of seeds/000.txt")
UNDECLARED_SEED = Code(
    "undeclared-seed", "semantics", "Seed file not declared",
    "A source's seed file is not a resource of datapackage.json with a hash, so the text "
    "its quotes are checked against is itself unchecked.", None,
    "source 'x': seed_file 'seeds/copy.txt' is not a resource of datapackage.json with a "
    "hash")
# coverage
UNACCOUNTED_SENTENCE = Code(
    "unaccounted-sentence", "coverage", "Sentence not accounted for",
    "A sentence of an article overlaps no fact row's quote and has no coverage-ledger "
    "row setting it aside with a disposition.", None,
    "article 'x': sentence x:004 (seeds/000.txt line 5, “During the visit, …”) overlaps "
    "no fact row's quote and is not set aside")
UNCOVERED_FIGURE = Code(
    "uncovered-figure", "coverage", "Figure not captured",
    "A figure of a covered sentence lies outside every fact row's quote, and the "
    "sentence's coverage-ledger row does not name it.", None,
    "article 'x': the figure '97' (seeds/000.txt line 12, sentence x:013) is in no fact "
    "row's quote")
STALE_DISPOSITION = Code(
    "stale-disposition", "coverage", "Stale ledger row",
    "A coverage-ledger row that no longer applies: its sentence does not exist or its "
    "text changed, a quote now covers it, it sets aside a heading, caption or credit "
    "(done by rule), it names a figure that is not an uncovered figure of its covered "
    "sentence, or its recorded_in is missing, misplaced or not a covered sentence.", None,
    "the sentence x:006 (analysis): a fact row's quote now overlaps the sentence; remove "
    "the row")
SENTENCE_ERROR = Code(
    "sentence-error", "coverage", "Sentence table out of date",
    "The sentences table does not match the seed texts (ids, order, offsets, text, or a "
    "word outside every unit); regenerate it.", None,
    "article 'x': unit x:003 text differs from the seed")
# dataset: the rules of the 1.0 data model (naming, magnitudes, derivations, links)
ACTOR_NOT_NAMED = Code(
    'actor-not-named', 'dataset', 'Actor not named in the quote',
    'An actor field (supplier, recipient, partner, host …) holds an actor none of whose names'
    " (name, aliases, its capital) is in the row's quote, and the row does not list the field"
    ' as derived; e.g. a recipient swapped for another real country.',
    None, 'recipient RUS is not named in the quote (its names: Russia, Russian, Russians, '
          'Kremlin, Moscow)')
PERSON_NOT_NAMED = Code(
    'person-not-named', 'dataset', 'Person not named in the quote',
    "A person field holds a person none of whose name and variants is in the row's quote, and"
    ' the field is not derived.',
    None, 'person_id per:putin is not named in the quote')
PLACE_NOT_NAMED = Code(
    'place-not-named', 'dataset', 'Place not named in the quote',
    "A place_id whose GeoNames name and aliases are not in the row's quote, and the field is "
    'not derived.',
    None, 'place_id 625144 is not named in the quote (its names: Minsk)')
VARIANT_NOT_FOUND = Code(
    'variant-not-found', 'dataset', 'Name variant in no article',
    'A persons variants entry that occurs in no article (variants are spellings as written).',
    None, "variant 'Lukashenko' of per:lukasenka occurs in no article")
WRITTEN_MISSING = Code(
    'written-missing', 'dataset', 'Figure as written missing',
    'A value that is not derived has no value_as_written.',
    None, 'value is given but value_as_written is empty')
WRITTEN_NOT_IN_QUOTE = Code(
    'written-not-in-quote', 'dataset', 'Figure as written not in the quote',
    "value_as_written does not occur in the row's quote.",
    None, "value_as_written '$79m' does not occur in the quote")
WRITTEN_FIGURE = Code(
    'written-figure', 'dataset', 'Value is not the figure written',
    'The value is not the figure value_as_written shows (a derived value is exempt).',
    None, "value 79 is not the figure of '$97m'")
UNIT_MISSING = Code(
    'unit-missing', 'dataset', 'Unit or scale missing',
    'A value without unit or scale, or a unit or scale without a value.',
    None, 'a value needs a unit and a scale')
SCALE_WORD = Code(
    'scale-word', 'dataset', 'Scale disagrees with the written scale',
    "The scale is not the one value_as_written's word gives (m/million: million; bn/billion: "
    'billion; thousand; none: one).',
    None, "scale is 'billion' but '$97m' is written in 'million'")
CURRENCY_WORD = Code(
    'currency-word', 'dataset', 'Currency disagrees with the written figure',
    "A '$' or 'dollar' figure without unit currency and currency USD (or unit tiv for SIPRI);"
    " USD without '$'; a currency on a unit that is not money.",
    None, "'$97m' is in dollars: unit 'currency' with currency 'USD' (or unit 'tiv')")
MEASURE_MISSING = Code(
    'measure-missing', 'dataset', 'Measure kind missing',
    'A value or direction without a measure kind, or a measure without either.',
    None, 'a value or a direction needs a measure')
AGGREGATION_ROLE = Code(
    'aggregation-role', 'dataset', 'Aggregation role inconsistent',
    'aggregation disagrees with part_of: a part or subset without part_of, part_of on a '
    "row that is neither, a total no part names (a row with only subsets is 'standalone'), "
    "a row a part names that is not 'total', or a measure without aggregation.",
    None, "aggregation is 'total' but no part names it in part_of (a row with only subsets "
          "is 'standalone')")
PART_MEASURE_MISMATCH = Code(
    'part-measure-mismatch', 'dataset', 'Part measured unlike its total',
    "A part's measure or period differs from its total's (a measure that is a unit field "
    "is part-unit-mismatch's).",
    None, "period '2013' differs from its total arms-011's '2012'")
PARTS_NOT_EXHAUSTIVE = Code(
    'parts-not-exhaustive', 'dataset', 'Parts do not make up their total',
    "The 'part' rows of a total add up to less than it (by more than 0.5%; more is "
    "parts-exceed-total, and a total with a part of another unit, or without a value, is "
    "not judged): parts that do not make up the whole are 'subset' (and a row with only "
    "subsets is 'standalone'), so that a sum over rows that are neither 'total' nor "
    "'subset' counts nothing twice.",
    None, "its parts add up to 18, not 142: parts that do not make up the whole are "
          "aggregation 'subset' (and the row they belong to 'standalone' if it has no parts)")
DIRECTION_SIGN = Code(
    'direction-sign', 'dataset', 'Direction disagrees with the sign',
    "A change whose value's sign disagrees with its direction (a decrease is negative).",
    None, "direction 'decrease' but value 51.4")
DERIVATION_MISSING = Code(
    'derivation-missing', 'dataset', 'Derived value without derivation',
    'A derived_fields entry that has no row in derivations.',
    None, "derived_fields lists 'start_date.year' but derivations has no row for it")
DERIVATION_ORPHAN = Code(
    'derivation-orphan', 'dataset', 'Derivation of nothing',
    "A derivation of a row that does not exist, or of a field or part the row's "
    "derived_fields does not list; or a derivation of correction_note (the outside "
    "knowledge a correction rests on) that is not external, not of part 'all', or of a row "
    'without a correction_note.',
    None, "visits visit-008 does not list 'place_id' in derived_fields")
DERIVATION_INCOMPLETE = Code(
    'derivation-incomplete', 'dataset', 'Derivation lacks its basis',
    'A basis without what it needs (rests_on_* for row, evidence for text, expression for '
    'arithmetic, claim for external), resting on a row that does not exist, or an offset '
    'or expression that gives no value (no duration, outside the calendar; does not '
    'parse, too deep, divides by zero).',
    None, "basis 'external' needs a claim a reader can check")
DERIVATION_EVIDENCE = Code(
    'derivation-evidence', 'dataset', 'Derivation evidence not in the article',
    "The evidence passage of a derivation is not verbatim in the row's article.",
    None, "evidence not found in article 'x'")
DERIVATION_DISAGREES = Code(
    'derivation-disagrees', 'dataset', 'Derived value disagrees with its basis',
    "A derived value is not what its basis gives: the article's publication date, another "
    "row's value, the evidence, the expression, the count of names, the host's capital. "
    "Changing a source's date flags every row derived from it.",
    None, 'visits visit-013 start_date (year) = 2013-11-20 disagrees with its basis '
          "'publication': sources.published is 2012-11?")
DERIVATION_UNCERTAINTY = Code(
    'derivation-uncertainty', 'dataset', 'Uncertain derivation, certain value',
    "A derivation marked uncertain on a date written without '?'.",
    None, "the derivation is uncertain but as_of '2012-04' has no '?'")
LINK_TARGET = Code(
    'link-target', 'dataset', 'Event link to no row',
    'An event link whose from or to row does not exist.',
    None, 'no row visits visit-099')
LINK_KIND = Code(
    'link-kind', 'dataset', 'Event link of incompatible rows',
    "The linked rows' tables, kinds, status or visitors do not fit the relation (same_event: "
    'one table; within_visit: a meeting within a visit of the same visitor; '
    'postponed_then_held: postponed then held, same visitor; during_visit: another table to a'
    ' visit).',
    None, "within_visit: needs a meeting within a visit, not 'visit' within 'visit'")
LINK_DUPLICATE = Code(
    'link-duplicate', 'dataset', 'Event link repeated',
    'A row linked to itself, or a pair linked twice (in either direction).',
    None, 'repeats link row 4')
LINK_PARENT = Code(
    'link-parent', 'dataset', 'Meeting within two visits',
    'A meeting linked within_visit to more than one visit.',
    None, 'visit-002 is already within a visit')
LINK_CYCLE = Code(
    'link-cycle', 'dataset', 'Event links in a cycle',
    'The directed relations (all but same_event) form a cycle.',
    None, 'the links form a cycle: visits visit-004 -> visits visit-007 -> visits visit-005 '
          '-> visits visit-004')
EVENT_TYPE = Code(
    'event-type', 'dataset', 'Dyadic fact without exactly one event type',
    'A fact whose two actor fields are filled (a visit, an arms transfer, a trade flow '
    'between two actors) must be typed by exactly one row of event_types (its table, '
    "kind and status): add the row that types it (with its CAMEO code and PLOVER event, "
    "or fit 'none'), or remove the duplicate.",
    None, "a dyadic fact of kind 'visit', status 'cancelled', has no event type in "
          'event_types; it needs exactly one')
TRANSFER_DIRECTION = Code(
    'transfer-direction', 'dataset', 'Supplier and recipient swapped',
    "Both are named in the quote, and its words put the coded supplier on the receiving "
    "side (after 'exports … to', 'supplying', before 'has shown interest') or the coded "
    "recipient on the giving side ('X sells', 'X's exports', 'from X'), and not the other "
    "side as well.",
    None, 'the quote has AZE receive from BLR, but supplier is AZE and recipient BLR')
REPORTER_RULE = Code(
    'reporter-rule', 'dataset', 'Reporter is not Belarus',
    "A flow that involves Belarus has another reporter (the codebook: the reporter is "
    "Belarus unless the flow does not involve it).",
    None, 'the flow involves BLR, so BLR is the reporter, not AZE with partner BLR')
HOST_PLACE = Code(
    'host-place', 'dataset', 'Host is not the state of the place',
    "A visit or meeting whose host_actor is not the state its place is in (visitor and "
    "host swapped), or whose visitor is its host.",
    None, 'host_actor is TUR but the place_id 625144 (Minsk) is in BLR: a visit takes '
          'place in the host state (visitor and host look swapped)')
PERSON_STATE = Code(
    'person-state', 'dataset', 'Person acts for another state',
    "A person field's person serves a state (persons.state) that is neither the row's "
    "actor (actor_id, visitor_actor) nor that actor's own state.",
    None, 'person_id per:zas serves BLR (persons.state) but actor_id is AZE')
VISITOR_REPEATED = Code(
    'visitor-repeated', 'dataset', 'Second visitor on a visit',
    "A second participant with role visitor on one visit; a visit has one visitor, a "
    "group travels as one delegation.",
    None, 'visit_id visit-013 already has a visitor (row 22)')
REFERENCE_ARTICLE = Code(
    'reference-article', 'dataset', 'Row of another article',
    "A fact row refers by a foreign key to a row of another fact table (a participant's "
    "visit) that another article reports.",
    None, "visit_id visit-013 is a row of article 'belarus-azerbaijan-eu', not of this "
          "row's article 'foreign-policy-digest-2016-11'")
LINK_DATE = Code(
    'link-date', 'dataset', 'Linked rows of other dates',
    "same_event rows more than a year apart, or a meeting within_visit dated outside its "
    "visit (a visit without an end date: at most 31 days from its start).",
    None, 'within_visit: the meeting visit-002 (2017-11-10 to 2017-11-10) is not within '
          'the days of its visit visit-001 (2017-10-08 to 2017-10-10)')
LINK_PLACE = Code(
    'link-place', 'dataset', 'Meeting in another state than its visit',
    "A meeting within_visit whose place is in another state than its visit's place.",
    None, 'within_visit: the meeting visit-002 is in AZE (place 587084) but its visit '
          'visit-001 in BLR (place 625144)')
PART_ACTOR_MISMATCH = Code(
    'part-actor-mismatch', 'dataset', 'Part of another actor\'s total',
    "A part and its total name different actors in the same actor field (a count of one "
    "country part_of another country's count).",
    None, "country BLR differs from its total pp-001's AZE")
QUALIFIER_WORD = Code(
    'qualifier-word', 'dataset', 'Qualifier disagrees with the written figure',
    "The qualifier is not the one value_as_written's word gives ('up to': up_to; about, "
    "around, approximately, roughly, some: about; nearly, almost: nearly; 'at least': "
    "at_least; 'more than', over: more_than), or is set without its word.",
    None, "qualifier is 'about' but 'Up to 70 per cent' says 'up_to'")
UNIT_WORD = Code(
    'unit-word', 'dataset', 'Unit disagrees with the written figure',
    "value_as_written names a unit ('%', 'per cent': percent; tonnes: tonne; '157th': "
    "rank) and the unit is another.",
    None, "unit is 'percent' but '84.7 thousand tonnes' is written in 'tonne'")
DISPOSITION_KIND = Code(
    'disposition-kind', 'dataset', 'Disposition for another kind of unit',
    "A coverage-ledger row sets a unit aside as caption or heading, which are for "
    "captions and credits, or headings, and the unit is another kind (a plain sentence).",
    None, "the unit is a sentence, but the disposition 'caption' is for a caption or "
          "credit")
RECORDED_ELSEWHERE = Code(
    'recorded-elsewhere', 'dataset', 'Recorded in another article',
    "A coverage-ledger row's recorded_in is a sentence of another article.",
    None, 'recorded_in belarus-azerbaijan-eu:014 is a sentence of another article')
PLACE_COORDINATES = Code(
    'place-coordinates', 'dataset', 'Place outside its state',
    "A place's latitude and longitude fall outside its state's box (from the outlines of "
    "the countryinfo library, widened by half a degree); the message says when they look "
    "swapped.",
    None, 'latitude 27.56653, longitude 53.90019 is not in BLR (country) (latitude and '
          'longitude look swapped)')
# internal
INTERNAL_ERROR = Code(
    "internal-error", "internal", "Bug in bdigest-data",
    "A check stopped with an exception; the other groups still ran. Please report it.",
    None, "the semantics checks stopped with KeyError: 'x'")

# every code above, in the order of the table
CATALOGUE: tuple[Code, ...] = tuple(v for v in list(globals().values())
                                    if isinstance(v, Code))

CODES: dict[str, Code] = {c.code: c for c in CATALOGUE}


def render() -> str:
    """``docs/findings.md``: the catalogue as Markdown, by group."""
    lines = ["# Finding codes", "",
             "Generated from `bdigest_data.catalogue` (do not edit by hand). Every "
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
