"""Which ML2 mechanism drivers each Neutron of the lab loads, and how central finds
Tricircle's by name."""

import importlib.metadata
import importlib.util

from tricircle.lab import services


def test_central_loads_tricircles_driver_and_the_regions_the_labs():
    assert services._mechanism_drivers(central=True, tricircle=True) == "tricircle"
    assert services._mechanism_drivers(central=False, tricircle=True) == "lab_bind_all"
    # A clone without Tricircle's plugins runs plain ML2 everywhere.
    assert services._mechanism_drivers(central=True, tricircle=False) == "lab_bind_all"


def test_the_entry_points_folder_registers_the_driver_as_an_install_would(tmp_path):
    folder = services._entry_points(tmp_path)
    found = [entry for dist in importlib.metadata.distributions(path=[str(folder)])
             for entry in dist.entry_points
             if entry.group == "neutron.ml2.mechanism_drivers"]
    assert [(entry.name, entry.value) for entry in found] == [
        ("tricircle", "tricircle.network.mech_driver:TricircleMechanismDriver")]
    assert importlib.util.find_spec(found[0].module) is not None
