"""The plugins' neutron.conf options: documented, and what the plugins read.

That the committed sample is current is checked with the others in
tests/unit/test_samples.py.
"""

from tricircle.network import opts


def test_every_plugin_option_is_documented():
    for group, options in opts.list_opts():
        for option in options:
            assert option.help, f"[{group}] {option.name} has no help text"


def test_the_sample_holds_what_the_plugins_read():
    groups = dict(opts.list_opts())
    assert {o.name for o in groups["tricircle"]} == {
        "central_region_name", "local_region_name", "bridge_cidr", "bridge_prefixlen",
        "bridge_network_type", "default_external_region"}
    assert {"interface", "connect_timeout", "request_timeout", "auth_type"} <= {
        o.name for o in groups["client"]}
