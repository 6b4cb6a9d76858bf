"""Every jurisdiction's breach-notice laws, as one declarative table (see table.py and docs/jurisdictions.md)."""

from regulators.jurisdictions.table import Insert, Jurisdiction, Law, Letter, Notice, TableError, table

__all__ = ["Insert", "Jurisdiction", "Law", "Letter", "Notice", "TableError", "table"]
