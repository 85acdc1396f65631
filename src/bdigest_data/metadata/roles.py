"""The vocabulary code binds to: every annotation key, every role and the table names.

A table is found by what it is for, its ``bdigest:role`` (``model.table_with_role(SOURCES)``),
and a field by its role (``schema.role_name(PUBLISHED)``) or by what its quote must show
(``bdigest:evidence``). Where the schemas give a table no role, code binds to its name, and
that name is spelled here. No other module spells a role, an annotation key or a table
name (``tests/test_architecture.py`` checks it); the schemas and ``docs/data-dictionary.md``
say what each means.
"""

from __future__ import annotations

# annotation keys of descriptor resources, Table Schemas and fields
ROLE = "bdigest:role"
EDTF = "bdigest:edtf"
EVIDENCE = "bdigest:evidence"
GRAIN = "bdigest:grain"
MAY_POSTDATE = "bdigest:may-postdate-source"
COUNTRY_CODE_WHEN = "bdigest:country-code-when"

# the roles of tables (a Table Schema's ``bdigest:role``) and of plain files (a resource's)
FACTS = "facts"
SOURCES = "sources"
ACTORS = "actors"
SENTENCES = "sentences"
DERIVATIONS = "derivations"
EVENT_LINKS = "event-links"
COVERAGE_LEDGER = "coverage-ledger"
SEEDS = "seeds"  # a seed text (a plain file)

# the roles of fields
TITLE = "title"  # a source's title
PUBLISHED = "published"  # a source's publication date
SEED_FILE = "seed-file"  # a source's seed text
CHAR_START = "char-start"  # where a source's article begins in its seed text
CHAR_END = "char-end"  # and where it ends
PART_OF = "part-of"  # a part's total (a foreign key to the same table)
UNIT = "unit"  # a part and its total agree on it
FIGURE = "figure"  # a coverage ledger's figure

# what a field's quote must show (``bdigest:evidence``)
NUMBER = "number"
DATE = "date"
ACTOR = "actor"
PERSON = "person"
PLACE = "place"
NAMED = (ACTOR, PERSON, PLACE)  # the kinds whose names the quote must use
ARTICLE = "article"  # the kind of name a derivation from the publication date rests on

# tables the schemas give no role, which code binds to by name
PERSONS = "persons"
PLACES = "places"
VISITS = "visits"  # event links and the site's timeline
TRADE = "trade"  # the site's charts
ARMS_EXPORTS = "arms_exports"  # the state-year panel
RANKINGS = "rankings"  # the state-year panel
POLITICAL_PRISONERS = "political_prisoners"  # the state-year panel
EVENT_TYPES = "event_types"  # the lookup that types the dyadic events view

# the folder of the seed texts, which add-article writes to and a release archives
SEED_FOLDER = "seeds"
