"""Release tooling: stamping bytes and hashes, diffs, citation, the release routine."""
