import gc

import pytest

pytest_plugins = ["tests.db_fixtures"]


def pytest_collection_finish(session: pytest.Session) -> None:
    """Put what collection built (modules, catalogs, compiled patterns) out of the cyclic GC's
    reach, so that its full passes walk only what the tests make. Unfrozen, on a loaded machine
    they paused the event loop for up to 0.8 s: longer than the provider tests' 0.2 s timeouts,
    so a call to a simulator timed out for no fault of its own. Frozen, about 0.1 s at most."""
    gc.collect()
    gc.freeze()
