"""``semantics``: what the values mean: dates against their sources, codes, spans of the
seed texts (``semantics``)."""
