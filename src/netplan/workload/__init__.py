"""Application catalogue, activity plans and arrival processes (see :mod:`netplan.demand`)."""
