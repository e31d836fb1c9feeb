"""Tricircle's Neutron plugins: the central core plugin and the regions' local one."""
