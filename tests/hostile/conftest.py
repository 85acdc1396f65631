"""The hostile suite's own rule: no case yields ``internal-error``, which is for bugs only.

Every finding made in this process during a case (the validator, a command run with
``run_cli``, a check called directly) is collected by ``tests/conftest.py``; a case that
made an ``internal-error`` fails, whatever else it asserts.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from conftest import INTERNAL_ERRORS
from helpers import assert_no_internal_error


@pytest.fixture(autouse=True)
def no_internal_error() -> Iterator[None]:
    INTERNAL_ERRORS.clear()
    yield
    assert_no_internal_error(INTERNAL_ERRORS)
