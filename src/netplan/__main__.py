"""``python -m netplan`` runs the command line."""

from netplan.cli import main

main()
