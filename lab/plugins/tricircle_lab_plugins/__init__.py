"""Lab-only drivers: nothing here is used outside `tricircle-lab`."""
