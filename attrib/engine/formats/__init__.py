"""File formats the engine reads without a database (the interchange CSV of demands)."""
