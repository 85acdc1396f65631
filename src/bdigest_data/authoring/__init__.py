"""Adding to the package: ``article`` (``bdigest-data add-article``) puts a new article's
text in; ``cli`` holds the ``add-article`` and ``locate`` sub-commands (``locate`` itself,
finding a quote in the articles, is ``text.locate``, which the provenance check shares)."""
