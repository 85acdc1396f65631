"""What an article, a quote, a figure and a sentence are (the floor above the model).

Modules: ``evidence`` (the one normalisation of article and quote text, the figures and
dates in it, the articles of a package), ``sentences`` (the sentence cutter). The
validator, the site, ``locate``, ``add-article`` and the sentence table use them alike.
"""
