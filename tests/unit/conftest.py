"""A throw-away SQLite file with the schema, for unit tests that need a database."""

import pytest

from tricircle.common import config
from tricircle.db import api as db_api
from tricircle.db import models


@pytest.fixture
def db(tmp_path):
    conf = config.CONF
    conf.reset()
    config.register_opts(conf)
    conf([], project="tricircle", default_config_files=[])
    conf.set_override("connection", f"sqlite:///{tmp_path}/unit.sqlite", "database")
    conf.set_override("state_path", str(tmp_path))
    db_api.reset()
    models.Base.metadata.create_all(db_api.get_engine())
    yield
    db_api.get_engine().dispose()
    db_api.reset()
