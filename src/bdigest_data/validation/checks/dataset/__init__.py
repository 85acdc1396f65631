"""``dataset``: rules across rows and tables (``naming``, ``magnitudes``, ``derivations``,
``links``), on the shared helpers of ``dataset``."""
