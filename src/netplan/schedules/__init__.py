"""Bell schedules to zone occupancy (see :mod:`netplan.schedule` for the public API)."""
