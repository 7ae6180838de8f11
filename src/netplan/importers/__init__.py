"""Importers that turn other tools' files into netplan survey files."""

from netplan.importers.ekahau import (
    ImportedBuilding,
    ImportOptions,
    ImportReport,
    import_ekahau,
    read_ekahau,
)

__all__ = ["ImportOptions", "ImportReport", "ImportedBuilding", "import_ekahau", "read_ekahau"]
