"""Loading the people of an incident from a spreadsheet export.

files    what the upload is and how to read its rows (CSV or XLSX, streamed)
fields   the portal's fields and the headers that name them
rules    normalising one value (dates, states, ZIP codes, phones, names)
check    one row in, a staged row and its issues out
parallel the dry run's rows checked in chunks, on every core (checking: what a checking process runs)
stage    the dry run: every row checked, valid rows staged, the report written
load     the import: staged rows written set-wise in one transaction
"""
