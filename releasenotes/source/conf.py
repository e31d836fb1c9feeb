"""Sphinx configuration of Tricircle's release notes (reno's notes in releasenotes/notes).

Build: ``sphinx-build -W -b html releasenotes/source releasenotes/build/html``
(tox -e releasenotes).
"""

project = "Tricircle Release Notes"
copyright = "Tricircle contributors"
extensions = ["reno.sphinxext"]
html_theme = "alabaster"
html_static_path = ["_static"]
