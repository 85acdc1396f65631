"""The Arrow primitives shared by the loader and the validator (the floor above the model).

Modules: ``stream`` (a CSV file as batches of string columns, with the findings of reading
it), ``cells`` (the cell rules of a field, checked on a whole column), ``arrays`` (Arrow
arrays built without pandas; ``count_true``, ``texts``), ``grouping`` (a rule
evaluated once per distinct value), ``memory`` (freed memory handed back between checks).
They import the model (``metadata``) and nothing above.
"""
