"""Spreadsheet exports (CSV, Excel) shared by the reports: no business, only the cell rule."""

#: A cell starting with one of these is a formula to a spreadsheet (CSV/formula injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> object:
    """`value` as a spreadsheet shows it as text: a string that would start a formula gets a
    leading apostrophe; numbers and everything else pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
