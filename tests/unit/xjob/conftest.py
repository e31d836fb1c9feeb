"""The worker's options; the database fixture is tests/unit/conftest.py's ``db``."""

from tricircle.xjob import conf as _xjob_conf  # noqa: F401  (registers [xjob])
