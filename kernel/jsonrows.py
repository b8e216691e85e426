"""A row's children read with it, in the same statement (issue 12 §7).

``json_rows`` is an annotation: the children of each outer row as one JSON array (SQLite's
``json_group_array``, PostgreSQL's ``jsonb_agg``), each child an object of the named columns and of
columns across its foreign keys (``"agency__code"``). ``adopt`` turns such an array back into model
instances — their related objects attached, the columns not read left deferred (read on first use,
as Django does) — and keeps them as the parent's prefetched relation, so ``parent.children.all()``
answers from them without a query, exactly as ``prefetch_related`` would have, one statement fewer.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Iterable, Sequence
from datetime import UTC
from decimal import Decimal
from typing import Any, TypeVar

from django.db import models
from django.db.models import Aggregate, F, Func, OuterRef, QuerySet, Subquery
from django.db.models.functions import JSONObject
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

M = TypeVar("M", bound=models.Model)


class JSONArray(Aggregate):
    """The values of a group as one JSON array."""

    function = "JSON_GROUP_ARRAY"
    output_field = models.JSONField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, function="JSONB_AGG", **extra)


class AsJSON(Func):
    """A JSON column as JSON inside ``JSONObject`` (SQLite keeps it as text, and would quote it)."""

    template = "%(expressions)s"
    output_field = models.JSONField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(
            compiler, connection, function="JSON", template="%(function)s(%(expressions)s)", **extra
        )


@functools.cache  # every request's JSON columns name the same few hundred paths
def _field(model: type[models.Model], path: str) -> models.Field[Any, Any]:
    *hops, name = path.split("__")
    for hop in hops:
        related = model._meta.get_field(hop).related_model
        assert isinstance(related, type)
        model = related
    found = model._meta.get_field(name)
    assert isinstance(found, models.Field)
    return found


def _column(model: type[models.Model], path: str) -> str:
    """The path as a lookup: own columns by attname (``agency_id``), related ones as given."""
    return path if "__" in path else _field(model, path).attname


def own_fields(model: type[models.Model]) -> list[str]:
    """Every concrete column of ``model`` (by name)."""
    return [f.name for f in model._meta.concrete_fields]


def _object(model: type[models.Model], fields: Sequence[str]) -> JSONObject:
    values: dict[str, Any] = {}
    for path in fields:
        column = F(_column(model, path))
        values[path] = AsJSON(column) if isinstance(_field(model, path), models.JSONField) else column
    return JSONObject(**values)


def json_rows(queryset: QuerySet[Any], link: str, fields: Sequence[str], outer: str = "pk") -> Subquery:
    """The rows of ``queryset`` whose ``link`` (a foreign key) is the outer row's ``outer`` column, as
    a JSON array of objects of ``fields``; NULL when there are none."""
    rows = (
        queryset.filter(**{link: OuterRef(outer)})
        .order_by()
        .values(link)
        .annotate(rows=JSONArray(_object(queryset.model, fields)))
        .values("rows")
    )
    return Subquery(rows, output_field=models.JSONField())


def json_row(queryset: QuerySet[Any], fields: Sequence[str]) -> Subquery:
    """The first row of ``queryset`` (in its order) as one JSON object of ``fields``, NULL when there
    is none: a row the outer statement does not link to, read with it all the same (``instances``
    of ``[row]`` turns it back)."""
    first = queryset.values(row=_object(queryset.model, fields))[:1]
    return Subquery(first, output_field=models.JSONField())


def _decode(field: models.Field[Any, Any], value: Any) -> Any:
    """A JSON value back to the field's Python value (dates come as text; SQLite's without a zone,
    in UTC; booleans as 0/1 on SQLite; decimals at any scale)."""
    if value is None:
        return None
    if isinstance(field, models.DateTimeField):
        parsed = parse_datetime(value)
        assert parsed is not None, value
        return timezone.make_aware(parsed, UTC) if timezone.is_naive(parsed) else parsed
    if isinstance(field, models.DateField):
        return parse_date(value)
    if isinstance(field, models.BooleanField):
        return bool(value)
    if isinstance(field, models.DecimalField):
        # At the column's scale, as the ORM reads it (JSON keeps 1.00 as 1, or as the float 1.0).
        return Decimal(str(value)).quantize(Decimal(1).scaleb(-field.decimal_places), context=field.context)
    if isinstance(field, models.UUIDField):
        return uuid.UUID(str(value))
    return value


def _instance(model: type[M], db: str, values: dict[str, Any]) -> M:
    """``model.from_db`` with the columns read (by name); the others deferred."""
    by_attname = {_field(model, name).attname: _decode(_field(model, name), v) for name, v in values.items()}
    names = [f.attname for f in model._meta.concrete_fields if f.attname in by_attname]
    return model.from_db(db, names, [by_attname[n] for n in names])


def instances(model: type[M], rows: Iterable[dict[str, Any]] | None, db: str = "default") -> list[M]:
    """The children of a ``json_rows`` array as instances of ``model``, their related objects (the
    ``hop__column`` keys) attached."""
    found: list[M] = []
    for row in rows or ():
        own = {k: v for k, v in row.items() if "__" not in k}
        obj = _instance(model, db, own)
        related: dict[str, dict[str, Any]] = {}
        for key, value in row.items():
            if "__" in key:
                hop, rest = key.split("__", 1)
                related.setdefault(hop, {})[rest] = value
        for hop, columns in related.items():
            fk = model._meta.get_field(hop)
            assert isinstance(fk, models.ForeignKey)
            pk = getattr(obj, fk.attname)
            target = fk.related_model
            assert isinstance(target, type)
            fk.set_cached_value(
                obj, None if pk is None else _instance(target, db, {target._meta.pk.name: pk, **columns})
            )
        found.append(obj)
    return found


def _cache_name(manager: Any) -> str:
    """Where Django keeps a prefetched relation (a reverse foreign key's manager, or a many-to-many's)."""
    name = getattr(manager, "prefetch_cache_name", None) or manager.field.remote_field.cache_name
    assert isinstance(name, str)
    return name


def adopt(parent: models.Model, relation: str, children: list[Any], back: str | None = None) -> None:
    """Keep ``children`` as ``parent``'s prefetched ``relation`` (a reverse foreign key): the
    manager's ``all()`` answers from them. ``back``: the children's foreign key to the parent,
    attached too."""
    manager = getattr(parent, relation)
    if back is not None:
        fk = type(children[0])._meta.get_field(back) if children else None
        for child in children:
            assert isinstance(fk, models.ForeignKey)
            fk.set_cached_value(child, parent)
    queryset = manager.all()
    queryset._result_cache = children
    queryset._prefetch_done = True
    cache = parent.__dict__.setdefault("_prefetched_objects_cache", {})
    cache[_cache_name(manager)] = queryset


def adopted(parent: models.Model, relation: str) -> list[Any] | None:
    """The prefetched ``relation`` of ``parent`` (a list), or None when it was not read with it."""
    manager = getattr(parent, relation)
    cache = getattr(parent, "_prefetched_objects_cache", {})
    queryset = cache.get(_cache_name(manager))
    return None if queryset is None else list(queryset)


def drop(parent: models.Model, relation: str) -> None:
    """Forget the prefetched ``relation``: it changed, the next use reads it again."""
    manager = getattr(parent, relation)
    getattr(parent, "_prefetched_objects_cache", {}).pop(_cache_name(manager), None)


def append(parent: models.Model, relation: str, child: models.Model) -> None:
    """A child just written: kept with the prefetched ``relation``, if there is one, last."""
    held = adopted(parent, relation)
    if held is not None:
        adopt(parent, relation, [*held, child])
