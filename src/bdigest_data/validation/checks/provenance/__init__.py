"""``provenance``: every fact row's quote is in its source article, with the row's figures
and dates (``provenance``)."""
