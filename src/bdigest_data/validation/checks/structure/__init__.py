"""``structure``: what frictionless checks, while each table is streamed: the reading
(``engine.stream``), the header (``header``), rows and cells (``structure``), the keys
(``keys``)."""

# the order the checks are listed in (the folder's other modules follow, by name)
ORDER = ("header", "structure", "keys")
