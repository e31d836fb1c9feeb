"""The compute and volume gateway: a routing proxy in front of the regions' Nova and Cinder."""
