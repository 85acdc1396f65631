"""``structure``: what frictionless checks, while each table is streamed: the reading
(``engine.stream``), the header (``header``), rows and cells (``structure``), the keys
(``keys``)."""
