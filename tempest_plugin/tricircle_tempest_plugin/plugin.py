"""The entry point tempest loads (``tempest.test_plugins``: tricircle)."""

import os

from tempest import config
from tempest.test_discover import plugins

from tricircle_tempest_plugin import config as plugin_config


class TricircleTempestPlugin(plugins.TempestPlugin):
    def load_tests(self):
        base = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        tests = os.path.join(base, "tricircle_tempest_plugin", "tests")
        return tests, base

    def register_opts(self, conf):
        config.register_opt_group(conf, config.service_available_group,
                                  [plugin_config.service_option])
        config.register_opt_group(conf, plugin_config.tricircle_group,
                                  plugin_config.tricircle_opts)

    def get_opt_lists(self):
        return [(plugin_config.tricircle_group.name, plugin_config.tricircle_opts),
                ("service_available", [plugin_config.service_option])]

    def get_service_clients(self):
        tricircle = config.service_client_config("tricircle")
        tricircle.update({
            "name": "tricircle",
            "service_version": "tricircle.v1",
            "module_path": "tricircle_tempest_plugin.services.admin_client",
            "client_names": ["AdminClient"],
        })
        return [tricircle]
