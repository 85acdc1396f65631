"""``coverage``: every figure and sentence of the articles is captured or set aside
(``coverage``, on the units of the ``sentences`` table: ``units``)."""
