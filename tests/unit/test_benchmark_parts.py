"""The breakdown of benchmarks/create_parts.py times functions of the product by
name: a rename in the product must not leave the breakdown unable to start."""

import importlib

from benchmarks import create_parts


def test_every_timed_part_names_a_function_that_exists():
    missing = []
    for module_name, attribute, _label in create_parts.PARTS:
        owner = importlib.import_module(module_name)
        for step in attribute.split("."):
            owner = getattr(owner, step, None)
            if owner is None:
                missing.append(f"{module_name}.{attribute}")
                break
    assert missing == []
