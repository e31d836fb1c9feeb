"""Tricircle's tempest plugin: tests of a deployed Tricircle through its public APIs."""
