"""CSV cells a spreadsheet will not run as formulas."""

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralised(value: str) -> str:
    """`value`, with a leading apostrophe when a spreadsheet would read it as a formula."""
    return "'" + value if value.startswith(FORMULA_START) else value
