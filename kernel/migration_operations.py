"""Migration operations of our own (Django's, made cheaper where a long list of them is slow).

``ReloadOnce`` runs a list of operations as one: the same states and the same schema changes, but the
migration state's rendered models are reloaded once at the end instead of after each operation. Django
re-renders a model and everything related to it after every ``AlterField`` (``ProjectState.alter_field``
→ ``reload_model``); the migrations that gave the fields their Vietnamese labels hold about 200 such
operations, and their reloads were most of a migrate from scratch, paid by every new database, every
test database of every test process included. ``manage.py migrate`` of a new database, before → after
(one 2-core machine, 2026-12-07): SQLite 29.5 → 16.0 s, PostgreSQL 33.3 → 21.0 s.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.migrations.operations import AlterField, AlterModelOptions, CreateModel
from django.db.migrations.operations.base import Operation
from django.db.migrations.operations.models import ModelOperation
from django.db.migrations.state import ProjectState


class ReloadOnce(Operation):
    """The ``operations`` in order, as one operation whose rendered models are reloaded once.

    For changes that leave the tables as they are (labels, choices, help texts, model options) and for
    new models no other of the operations touches: each operation is applied to the database between the
    states before and after the whole list, which is right only when no two of them change one table.
    """

    reduces_to_sql = True

    def __init__(self, operations: Sequence[Operation]) -> None:
        self.operations = list(operations)
        super().__init__()
        created = [op.name_lower for op in self.operations if isinstance(op, CreateModel)]
        for operation in self.operations:
            if not isinstance(operation, (AlterField, AlterModelOptions, CreateModel)):
                raise TypeError(f"ReloadOnce takes label changes and new models, not {operation!r}")
        touched = self._model_names()
        for name in created:
            if touched.count(name) > 1:
                raise TypeError(
                    f"ReloadOnce: the new model {name} is changed by another operation of the list"
                )

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        return (self.__class__.__qualname__, [self.operations], {})

    def state_forwards(self, app_label: str, state: ProjectState) -> None:
        # A state reloads its rendered models only while it has them (``"apps" in state.__dict__``, the
        # check ``ProjectState.reload_model`` makes): they are held aside while the operations change the
        # model states, then every touched model is reloaded once, with its relations followed as far as
        # Django follows them for a relational field (the most any of the operations would have asked).
        rendered = state.__dict__.pop("apps", None)
        try:
            for operation in self.operations:
                operation.state_forwards(app_label, state)
        finally:
            if rendered is not None:
                state.__dict__["apps"] = rendered
        touched = {(app_label, name) for name in self._model_names()}
        state.reload_models(sorted(touched), delay=False)

    def database_forwards(
        self, app_label: str, schema_editor: Any, from_state: ProjectState, to_state: ProjectState
    ) -> None:
        # Each operation compares its own field or model in the state before and after the whole list;
        # the other operations' changes to those states concern other fields and models.
        for operation in self.operations:
            if isinstance(operation, AlterField):
                self._refuse_table_change(app_label, operation, schema_editor, from_state, to_state)
            operation.database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(
        self, app_label: str, schema_editor: Any, from_state: ProjectState, to_state: ProjectState
    ) -> None:
        for operation in reversed(self.operations):
            operation.database_backwards(app_label, schema_editor, from_state, to_state)

    def describe(self) -> str:
        return f"{len(self.operations)} operations, models reloaded once: " + "; ".join(
            operation.describe() for operation in self.operations
        )

    @property
    def migration_name_fragment(self) -> str:
        return "reload_once"

    def _model_names(self) -> list[str]:
        names = []
        for operation in self.operations:
            if isinstance(operation, AlterField):
                names.append(operation.model_name_lower)
            else:
                assert isinstance(operation, ModelOperation)
                names.append(operation.name_lower)
        return names

    @staticmethod
    def _refuse_table_change(
        app_label: str,
        operation: AlterField,
        schema_editor: Any,
        from_state: ProjectState,
        to_state: ProjectState,
    ) -> None:
        old = from_state.apps.get_model(app_label, operation.model_name)._meta.get_field(operation.name)
        new = to_state.apps.get_model(app_label, operation.model_name)._meta.get_field(operation.name)
        if schema_editor._field_should_be_altered(old, new):
            raise ValueError(
                f"ReloadOnce: {operation.describe()} changes the table; give it an operation of its own"
            )
