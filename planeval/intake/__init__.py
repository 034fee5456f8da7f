"""Yearly data intake for a plan folder: the fill-in template, one request workbook per department, the
validated all-or-nothing import of returned files, the changelog and the collection status.

    python -m planeval.intake template|requests|import|status|recover|changes --plan <folder under data/>

Modules, one job each: parse (a cell), columns (the fill-in sheet), read (a returned file), validate (its
rows), plausible (impossible vs suspicious values), merge (into the tables, in memory), commit (lock and
journal), changelog (the import's logs), importer (the pipeline), workbook/template/requests (files written
for the analyst and the departments), status (what is still missing), cli.
"""
