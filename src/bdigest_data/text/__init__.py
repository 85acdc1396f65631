"""What an article, a quote, a figure and a sentence are (the floor above the model).

Modules: ``evidence`` (the one normalisation of article and quote text, the figures and
dates in it, the articles of a package), ``sentences`` (the sentence cutter), ``locate``
(where a quote is in the articles, or its closest passage and how it differs). The
validator, the site, ``bdigest-data locate``, ``add-article`` and the sentence table use
them alike: a ``quote-not-found`` shows the closest passage ``locate`` finds.
"""
