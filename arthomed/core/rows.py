"""Rows of hand-written SQL turned into Python values (and model instances) exactly as the ORM does.

For the few hottest reads (authentication, a doctor's day), the SQL is written once from the
models' metadata instead of compiled by the ORM on every request; these helpers apply the
database backend's and the fields' converters (what `SQLCompiler.apply_converters` does) and
build instances with `Model.from_db` (what the ORM does per row).
"""

from functools import cache

from django.db import connection


@cache
def _converters(vendor: str, fields: tuple) -> tuple:
    found = []
    for field in fields:
        col = field.get_col(field.model._meta.db_table)
        pairs = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
        found.append(tuple((converter, col) for converter in pairs))
    return tuple(found)


def converted(row, fields: tuple) -> list:
    """`row`'s values, each converted as the ORM converts a value read for that field."""
    values = list(row)
    for index, pairs in enumerate(_converters(connection.vendor, fields)):
        for converter, col in pairs:
            values[index] = converter(values[index], col, connection)
    return values


def converted_rows(rows, fields: tuple) -> list[list]:
    """`converted` for every row of a statement: the converters are looked up once, and only the
    columns that have any are touched (on PostgreSQL most columns arrive as they are)."""
    pairs = [(index, found) for index, found in enumerate(_converters(connection.vendor, fields)) if found]
    result = []
    for row in rows:
        values = list(row)
        for index, found in pairs:
            for converter, col in found:
                values[index] = converter(values[index], col, connection)
        result.append(values)
    return result


def model_fields(model) -> tuple:
    """The model's concrete fields, in the order `Model.from_db` takes their values."""
    return tuple(model._meta.concrete_fields)


def instance_from_row(model, row):
    """A model instance from a row holding every concrete column in `model_fields` order."""
    fields = model_fields(model)
    return model.from_db(connection.alias, [field.attname for field in fields], converted(row, fields))
