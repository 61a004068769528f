"""Writing tens of thousands of rows quickly: ``COPY`` on PostgreSQL, ``executemany`` elsewhere.

Django's ``bulk_create`` prepares every value through the field (about 10 µs each: 5 s for the 540,000 values of
30,000 standings), splits SQLite inserts into batches of 999 parameters, and ``bulk_update`` builds one
``CASE WHEN`` per field and row (90 s for 30,000 results).  The imports of agencies, people and results and the
rebuild of a round's standings write this much at once, inside one short transaction, so they use these
functions instead: one statement per 2,000 rows at most, whatever the database.  Values are passed as the drivers
take them (``Decimal``, ``int``, ``str``, ``None``); JSON and datetime values are adapted once through the
connection's own operations, exactly as the ORM would store them.  No signal is sent: callers invalidate what
depends on the rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connection, models

BATCH = 2000


def _adapters(model: type[models.Model], fields: Sequence[str]):
    ops = connection.ops
    adapters: list = []  # per column: a function, or None where the driver takes the value as it is
    for name in fields:
        field = model._meta.get_field(name)
        if isinstance(field, models.JSONField):
            adapters.append(lambda v, f=field: None if v is None else ops.adapt_json_value(v, f.encoder))
        elif isinstance(field, models.DateTimeField):
            adapters.append(lambda v: ops.adapt_datetimefield_value(v))
        else:
            adapters.append(None)
    return [field_column(model, name) for name in fields], adapters


def field_column(model: type[models.Model], name: str) -> str:
    return model._meta.get_field(name).column


def _adapt(row: Sequence, adapters) -> tuple:
    return tuple(value if adapt is None else adapt(value) for value, adapt in zip(row, adapters))


def insert(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Insert ``rows`` (tuples in the order of ``fields``, model field names); returns how many."""
    columns, adapters = _adapters(model, fields)
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(_adapt(row, adapters))
                    count += 1
            return count
        sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"
        batch: list[tuple] = []
        for row in rows:
            batch.append(_adapt(row, adapters))
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def insert_objects(objects: Sequence[models.Model]) -> int:
    """Insert unsaved model instances (all of one model) without fetching their ids: every concrete field but
    the automatic primary key, with ``auto_now``/``auto_now_add`` values filled in as ``save`` would."""
    if not objects:
        return 0
    model = type(objects[0])
    fields = [f for f in model._meta.concrete_fields if not (f.primary_key and isinstance(f, models.AutoField))]
    rows = ([f.pre_save(obj, add=True) for f in fields] for obj in objects)
    return insert(model, [f.name for f in fields], rows)


def update(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Update rows by primary key: each row is ``(pk, value for fields[0], value for fields[1], …)``."""
    columns, adapters = _adapters(model, fields)
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    sets = ", ".join(f"{quote(c)} = %s" for c in columns)
    sql = f"UPDATE {table} SET {sets} WHERE {quote(model._meta.pk.column)} = %s"
    count = 0
    batch: list[tuple] = []
    with connection.cursor() as cursor:
        for pk, *values in rows:
            batch.append((*_adapt(values, adapters), pk))
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)  # psycopg 3 pipelines these: one round trip per batch
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count
