"""``integrity``: each resource's size and hash against the descriptor, and the versions of
datapackage.json, CITATION.cff and pyproject.toml (``integrity``)."""
