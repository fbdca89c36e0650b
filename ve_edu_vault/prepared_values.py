"""
Field value adaptation for the prepared writes (``prepared_queries``), exactly as ``Field.get_db_prep_save``.

TLDR: ``get_db_prep_save`` walks four to six methods per value (``get_db_prep_save`` > ``get_db_prep_value`` >
``get_prep_value`` > ``to_python`` > the backend's ``adapt_*``) to hand back, for most values on the submission
path, the very object it was given: an ``int`` for an integer column, a ``str`` for a text column, ``None``. An
:data:`Adapter` is resolved once per field and connection: for a value whose *exact* type is one the field's
code is known to hand back unchanged (or to adapt by one known function), it returns that without the walk;
every other value (a subclass such as ``bool`` for an integer column, a lazy translation string, a naive
datetime, an expression, an unknown field class) goes through ``get_db_prep_save`` as before.

What each rule rests on (Django 5.2, ``django/db/models/fields/__init__.py`` unless named):

- ``IntegerField`` and its sized/positive subclasses: ``get_prep_value`` is ``int(value)`` (the same object for
  an exact ``int``, ``None`` for ``None``), then ``ops.adapt_integerfield_value``: the value itself in
  ``backends/base/operations.py`` (MySQL, SQLite), ``integerfield_type_map[internal type](value)`` with psycopg 3
  in ``backends/postgresql/operations.py`` (``None`` unchanged): that function is resolved once here.
- ``AutoField`` family (``AutoFieldMixin.get_db_prep_value``): ``int(value)`` then ``ops.validate_autopk_value``
  (no ``adapt_integerfield_value``): the value itself, except MySQL's, which refuses ``0`` without
  ``NO_AUTO_VALUE_ON_ZERO`` (``backends/mysql/operations.py``): ``0`` takes the full path there.
- ``ForeignKey``/``OneToOneField`` (``fields/related.py``): ``None`` stays ``None``; any other value (not
  ``""``) is its target field's ``get_db_prep_save``: the target's adapter.
- ``FloatField``: ``float(value)`` (the same object for an exact ``float``); no backend adaptation.
- ``BooleanField``: ``to_python`` returns ``bool(value)`` for ``True``/``False`` (the same singletons), ``None``
  for ``None``; no backend adaptation.
- ``CharField``/``TextField``: ``to_python`` returns a ``str`` or ``None`` as given; no backend adaptation.
- ``DateTimeField``: ``to_python`` returns a datetime as given; an aware one is not touched by
  ``get_prep_value`` (only a naive one is made aware, with a warning: full path); then
  ``ops.adapt_datetimefield_value``: the value itself on PostgreSQL, ``str(make_naive(value, connection tz))`` on
  MySQL and SQLite. There the result of one aware datetime *object* is kept for the rest of the call
  (:class:`Memo`): a submission writes the same ``now`` into many columns and rows. Identity, not equality, is
  the key: two equal aware datetimes in one zone may differ by ``fold`` and so by instant.
- ``JSONField`` (``fields/json.py``): ``None`` stays ``None``; a ``dict``, ``list``, ``str``, ``int``, ``float``
  or ``bool`` (no ``as_sql``, not a ``Promise``) is ``ops.adapt_json_value(value, field.encoder)``.
- Opaque key fields (``opaque_keys/edx/django/models.py``): ``get_prep_value`` parses a key's string and
  serialises the key (slowly); the adapter keeps each key's or string's result for the call, by (field, value) as
  ``insert_rows`` did before (an invalid string raises each time: nothing is kept).

Only the exact field classes named here have an adapter rule; a subclass (``EmailField``, a custom field) may
override any step, so it takes the full path. ``tests/test_prepared_values.py`` checks every rule against
``get_db_prep_save`` for every concrete field of the models written through ``prepared_queries``, on each database.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.models import (
    AutoField,
    BigAutoField,
    BigIntegerField,
    BooleanField,
    CharField,
    DateTimeField,
    Field,
    FloatField,
    ForeignKey,
    IntegerField,
    JSONField,
    OneToOneField,
    PositiveBigIntegerField,
    PositiveIntegerField,
    PositiveSmallIntegerField,
    SmallAutoField,
    SmallIntegerField,
    TextField,
)
from opaque_keys.edx.django.models import OpaqueKeyField

__all__ = ["Adapter", "Memo", "adapter"]

#: Per call: ``{id(datetime): (datetime, adapted)}``, ``{(field, key): adapted}`` and each key field's last
#: ``(key, adapted)``. Holding the values keeps their ids from being reused while the memo lives.
Memo = dict[Any, Any]
# How a value of one exact type is adapted: ``None`` unchanged, or ``function(value, memo)`` (``_FULL``: declined).
_Rule = Callable[[Any, Memo], Any] | None
_FULL: Any = object()

_INTEGERS = (
    IntegerField,
    BigIntegerField,
    SmallIntegerField,
    PositiveIntegerField,
    PositiveBigIntegerField,
    PositiveSmallIntegerField,
)
_AUTOS = (AutoField, BigAutoField, SmallAutoField)
_JSON_TYPES = (dict, list, str, int, float, bool)
# The backends whose ``adapt_datetimefield_value`` returns ``None`` for ``None`` (and the value itself on PostgreSQL).
_DATETIME_ADAPTERS = frozenset(
    f"django.db.backends.{name}.operations" for name in ("base", "mysql", "sqlite3", "postgresql")
)


#: ``adapt(value, memo)``: ``field.get_db_prep_save(value, db)``, the walk skipped for the value types of the rules.
Adapter = Callable[[Any, Memo], Any]


def adapter(field: Field, db: BaseDatabaseWrapper) -> Adapter:
    """The field's adapter on this connection (built once per connection by the caller's statement cache)."""
    rule_of = _rules(field, db).get

    def adapt(value: Any, memo: Memo) -> Any:
        rule = rule_of(type(value), _FULL)
        if rule is None:
            return value
        if rule is not _FULL:
            adapted = rule(value, memo)
            if adapted is not _FULL:
                return adapted
        return field.get_db_prep_save(value, db)

    return adapt


def _rules(field: Field, db: BaseDatabaseWrapper) -> dict[type, _Rule]:
    kind = type(field)
    if kind in (ForeignKey, OneToOneField):
        target = _rules(field.target_field, db)  # type: ignore[attr-defined]
        target.pop(str, None)  # "" may become None (ForeignKey.get_db_prep_save): strings take the full path
        return {**target, type(None): None}
    if kind in _INTEGERS:
        rule = _integer_rule(field, db)
        return {} if rule is _declined else {type(None): None, int: rule}
    if kind in _AUTOS:
        rule = _auto_rule(db)
        return {} if rule is _declined else {type(None): None, int: rule}
    if kind is FloatField:
        return {type(None): None, float: None}
    if kind is BooleanField:
        return {type(None): None, bool: None}
    if kind in (CharField, TextField):
        return {type(None): None, str: None}
    if kind is DateTimeField:
        if type(db.ops).adapt_datetimefield_value.__module__ not in _DATETIME_ADAPTERS:
            return {}
        return {type(None): None, datetime: _datetime_rule(field, db)}
    if kind is JSONField:
        encoder = field.encoder  # type: ignore[attr-defined]
        adapt_json = db.ops.adapt_json_value

        def json_value(value: Any, memo: Memo) -> Any:
            return adapt_json(value, encoder)

        return {type(None): None, **dict.fromkeys(_JSON_TYPES, json_value)}
    if isinstance(field, OpaqueKeyField):  # a key object, or its string (parsed by the field: once per call)
        return dict.fromkeys((*_key_types(field), str), _key_rule(field, db))
    return {}


def _integer_rule(field: Field, db: BaseDatabaseWrapper) -> _Rule:
    adapt = type(db.ops).adapt_integerfield_value
    if adapt is BaseDatabaseOperations.adapt_integerfield_value:
        return None
    type_map = getattr(db.ops, "integerfield_type_map", None)
    if type_map is not None and adapt.__module__ == "django.db.backends.postgresql.operations":
        wrap = type_map[field.get_internal_type()]

        def wrapped(value: Any, memo: Memo) -> Any:
            return wrap(value)

        return wrapped
    return _declined


def _auto_rule(db: BaseDatabaseWrapper) -> _Rule:
    validate = type(db.ops).validate_autopk_value
    if validate is BaseDatabaseOperations.validate_autopk_value:
        return None
    if validate.__module__ == "django.db.backends.mysql.operations":
        return _nonzero
    return _declined


def _nonzero(value: Any, memo: Memo) -> Any:
    return value if value else _FULL


def _declined(value: Any, memo: Memo) -> Any:
    return _FULL


def _datetime_rule(field: Field, db: BaseDatabaseWrapper) -> _Rule:
    if type(db.ops).adapt_datetimefield_value.__module__ == "django.db.backends.postgresql.operations":

        def aware_unchanged(value: Any, memo: Memo) -> Any:
            return value if value.utcoffset() is not None else _FULL

        return aware_unchanged

    def aware_memoised(value: Any, memo: Memo) -> Any:
        if value.utcoffset() is None:
            return _FULL
        kept = memo.get(id(value))
        if kept is not None and kept[0] is value:
            return kept[1]
        adapted = field.get_db_prep_save(value, db)
        memo[id(value)] = (value, adapted)
        return adapted

    return aware_memoised


def _key_rule(field: Field, db: BaseDatabaseWrapper) -> _Rule:
    def key_memoised(value: Any, memo: Memo) -> Any:
        # The last key object this field adapted in the call, by identity (hashing a key costs more than its
        # memo saves); then by (field, key): an equal key serialises alike (``_strip_value`` then ``str``).
        last = memo.get(key_memoised)
        if last is not None and last[0] is value:
            return last[1]
        slot = (field, value)
        if slot not in memo:
            memo[slot] = field.get_db_prep_save(value, db)
        memo[key_memoised] = (value, memo[slot])
        return memo[slot]

    return key_memoised


def _key_types(field: Field) -> tuple[type, ...]:
    """The concrete key classes of the field's key class known to opaque-keys (``CourseLocator``...)."""
    key_class = field.KEY_CLASS  # type: ignore[attr-defined]
    found: list[type] = []
    pending = [key_class]
    while pending:
        current = pending.pop()
        found.append(current)
        pending.extend(current.__subclasses__())
    return tuple(found)
