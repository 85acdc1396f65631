"""Where the package's files are: inside an installed wheel, or in a source checkout."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

DESCRIPTOR = "datapackage.json"


@cache
def package_dir() -> Path:
    """The directory holding ``datapackage.json``, ``data/``, ``schemas/`` and ``seeds/``.

    An installed wheel carries them in ``bdigest_data/_package``; a checkout (editable
    install or ``src`` on the path) uses the repository root, so there is no second copy.
    Looked up once per process (an installation does not move).
    """
    shipped = Path(str(resources.files("bdigest_data"))) / "_package"
    if (shipped / DESCRIPTOR).is_file():
        return shipped
    checkout = Path(__file__).resolve().parents[3]
    if (checkout / DESCRIPTOR).is_file():
        return checkout
    raise FileNotFoundError(
        f"bdigest-data: no {DESCRIPTOR} in {shipped} or {checkout}; the installation is broken"
    )


def descriptor_path(path: str | Path | None = None) -> Path:
    """Resolve a user's PATH argument (a directory or a descriptor file) to the descriptor."""
    if path is None:
        return package_dir() / DESCRIPTOR
    p = Path(path)
    return p / DESCRIPTOR if p.is_dir() else p
