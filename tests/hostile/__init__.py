"""The hostile-input suite, one module a door (site, release, archives, authoring, CLI,
checks): each test states the promise it tests."""
