"""``dataset``: rules across rows and tables (``naming``, ``magnitudes``, ``derivations``,
``links``, ``eventtypes``), on the shared helpers of ``dataset``."""

# the order the checks run and report in (the folder's other modules follow, by name)
ORDER = ("naming", "magnitudes", "derivations", "links", "eventtypes")
