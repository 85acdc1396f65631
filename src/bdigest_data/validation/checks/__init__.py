"""The checks, one folder per check group: the folders under ``checks/`` are the groups.

Each module of a group's folder registers its checks with ``registry.register``; the
registry imports every module of the folder. To add a check, write it in a module of its
group's folder (or a new module there); to add a group, add a folder and its name to
``validation.GROUPS`` (a test holds the folders, ``GROUPS`` and the registry equal).
"""
