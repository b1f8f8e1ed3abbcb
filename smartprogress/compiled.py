"""A query's SQL, compiled by the ORM once per process and then run with each request's values.

Building and compiling an ORM query costs CPU on every request (Django makes the SQL anew each
time), often more than running it: the poll page's poll, with its group, its meeting and the
reader's membership (groups/views.py `_poll`), cost 0.91 ms of CPU per request in-process on
the bench data, 0.13 ms compiled once. A query that a page runs on every view, with the same
shape each time and only its values changing, can be compiled once: it is built with stand-in
values, the places of those values among the compiled parameters are kept, and each run puts
the real values there. The SQL and the rows' conversion to model instances (select_related,
annotations) are the ORM's own, so they follow the models. (notifications/listkeys.py does the
same for the digests of cached lists, with "now" as its one value.)
"""

import copy

from django.db import connections
from django.db.models.query import ModelIterable


class CompiledQuery:
    """`build(**values)` gives the queryset; `objects(**values)` runs its SQL, compiled once
    per process, and gives the model instances the queryset would give."""

    def __init__(self, build, **stand_ins):
        # Stand-ins are values the real ones can never be (negative keys, a slug no group can
        # have), each distinct, so that they are found back among the compiled parameters.
        self._build = build
        self._stand_ins = stand_ins
        self._compiled = None

    def _compile(self):
        queryset = self._build(**self._stand_ins)
        compiler = queryset.query.get_compiler(queryset.db)
        sql, params = compiler.as_sql()
        places = []
        for value in params:
            names = [name for name, stand_in in self._stand_ins.items() if stand_in == value]
            places.append(names[0] if names else None)
        missing = set(self._stand_ins) - set(places)
        if missing:
            raise ValueError(f"stand-ins not found in the compiled query: {sorted(missing)}")
        return queryset, compiler, sql, params, places

    def objects(self, **values):
        if self._compiled is None:
            self._compiled = self._compile()
        queryset, compiler, sql, params, places = self._compiled
        params = tuple(values[name] if name else fixed for name, fixed in zip(places, params, strict=True))
        run = copy.copy(compiler)
        # The connection of this thread, not of the one that compiled.
        run.connection = connections[queryset.db]
        run.as_sql = lambda *args, **kwargs: (sql, params)
        return list(ModelIterable(_Compiled(queryset, run)))

    def first(self, **values):
        """The first instance, or None (for a query of one row at most)."""
        found = self.objects(**values)
        return found[0] if found else None


class _Compiled:
    """What ModelIterable reads of a queryset, with the compiler that gives the compiled SQL."""

    def __init__(self, queryset, compiler):
        self.db = queryset.db
        self.model = queryset.model
        self._known_related_objects = {}
        self.query = self
        self._compiler = compiler

    def get_compiler(self, using=None):
        return self._compiler
