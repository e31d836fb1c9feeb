"""WSGI entry of tricircle-api with create_parts' timers (benchmarks/create_parts.py)."""

from benchmarks import create_parts

application = create_parts.install()
