"""The handler registry: one function per job type, no silent stand-ins."""

import pytest

from tricircle.common import constants
from tricircle.xjob import handlers, registry


def test_a_decorated_function_handles_its_type():
    reg = registry.Registry()

    @reg.handler("trunk_sync")
    def sync(job):
        return None

    assert reg.get("trunk_sync") is sync
    assert reg.get("router_setup") is None
    assert reg.types() == ("trunk_sync",)


def test_unknown_types_and_second_handlers_are_refused():
    reg = registry.Registry()
    with pytest.raises(ValueError, match="unknown job type"):
        reg.handler("no_such_type")
    reg.handler("port_delete")(lambda job: None)
    with pytest.raises(ValueError, match="has a handler already"):
        reg.handler("port_delete")(lambda job: None)


def test_only_the_implemented_types_have_real_handlers():
    # The other networking types come with the plugins; until then their jobs
    # must stay NEW, so no handler may pretend to do them.
    assert handlers.HANDLERS.types() == ("bottom_delete", "configure_route", "global_sync",
                                         "port_delete", "port_update", "qos_sync",
                                         "resource_recycle", "router_setup", "seg_rule_setup",
                                         "sfc_sync", "shadow_port_setup", "subnet_update",
                                         "trunk_sync", "update_network")
    assert set(handlers.HANDLERS.types()) <= set(constants.JOB_TYPES)
