"""Sphinx configuration of Tricircle's documentation (doc/source).

Build: ``sphinx-build -W -b html doc/source doc/build/html`` (tox -e docs).
The guides are the Markdown files of doc/, included through myst-parser; the
configuration, policy and CLI references are generated from the code, the
API reference from doc/api/openapi.json.
"""

import os

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))

project = "Tricircle"
copyright = "Tricircle contributors"
extensions = [
    "myst_parser",
    "oslo_config.sphinxext",
    "oslo_policy.sphinxext",
    "cliff.sphinxext",
    "sphinxcontrib.openapi",
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = []
html_theme = "alabaster"
html_static_path = ["_static"]
