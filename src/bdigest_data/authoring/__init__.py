"""Adding to the package: ``article`` (``bdigest-data add-article``) puts a new article's
text in, ``locate`` (``bdigest-data locate``) finds a quote in the articles; ``cli`` holds
both sub-commands."""
