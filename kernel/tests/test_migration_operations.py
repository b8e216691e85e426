"""kernel.migration_operations.ReloadOnce: a list of label changes run as one operation leaves the same
migration state as Django running them one by one, and refuses what it cannot apply that way."""

from __future__ import annotations

import pytest
from django.db import connection, migrations, models
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.state import ModelState, ProjectState

from kernel.migration_operations import ReloadOnce


def _migrations_reloading_once() -> list[tuple[str, str]]:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return sorted(
        key
        for key, migration in loader.disk_migrations.items()
        if any(isinstance(operation, ReloadOnce) for operation in migration.operations)
    )


def _fields(state: ProjectState, app_label: str) -> dict[tuple[str, str], tuple[object, ...]]:
    """Every field of the app's rendered models, as Django describes it, and every model's options."""
    described: dict[tuple[str, str], tuple[object, ...]] = {}
    for model in state.apps.get_app_config(app_label).get_models():
        described[(model._meta.model_name or "", "")] = (
            str(model._meta.verbose_name),
            str(model._meta.verbose_name_plural),
        )
        for field in model._meta.get_fields(include_hidden=True):
            if field.concrete:
                described[(model._meta.model_name or "", field.name)] = field.deconstruct()[1:]
    return described


@pytest.fixture(scope="module")
def loader() -> MigrationLoader:
    return MigrationLoader(None, ignore_no_migrations=True)


@pytest.mark.parametrize(("app_label", "name"), _migrations_reloading_once())
def test_the_state_after_is_the_state_one_operation_at_a_time(
    loader: MigrationLoader, app_label: str, name: str
) -> None:
    """Run on rendered models, as during a migrate, the operation leaves what Django's operations leave
    one by one (compared on the model states, and on the models rendered afresh from those)."""
    before = loader.project_state((app_label, name), at_end=False)
    migration = loader.disk_migrations[(app_label, name)]

    together = before.clone()
    together.apps  # rendered, as during a migrate  # noqa: B018
    one_by_one = before.clone()
    for operation in migration.operations:
        operation.state_forwards(app_label, together)
        steps = operation.operations if isinstance(operation, ReloadOnce) else [operation]
        for step in steps:
            step.state_forwards(app_label, one_by_one)

    assert together.models == one_by_one.models
    assert _fields(together, app_label) == _fields(one_by_one, app_label)


def _state(*fields: tuple[str, models.Field]) -> ProjectState:
    state = ProjectState()
    state.add_model(ModelState("kernel", "labelled", [("id", models.AutoField(primary_key=True)), *fields]))
    return state


def test_a_change_to_the_table_is_refused() -> None:
    before = _state(("title", models.CharField(max_length=10, verbose_name="tên")))
    operation = ReloadOnce(
        [migrations.AlterField("labelled", "title", models.CharField(max_length=20, verbose_name="tên"))]
    )
    after = before.clone()
    operation.state_forwards("kernel", after)
    # The editor is not entered: nothing is applied, the operation only decides (SQLite's would need a
    # connection outside any transaction).
    editor = connection.schema_editor(collect_sql=True)
    with pytest.raises(ValueError, match="changes the table"):
        operation.database_forwards("kernel", editor, before, after)


def test_a_label_change_writes_nothing() -> None:
    before = _state(("title", models.CharField(max_length=10, verbose_name="tên")))
    operation = ReloadOnce(
        [migrations.AlterField("labelled", "title", models.CharField(max_length=10, verbose_name="tiêu đề"))]
    )
    after = before.clone()
    operation.state_forwards("kernel", after)
    editor = connection.schema_editor(collect_sql=True)
    operation.database_forwards("kernel", editor, before, after)
    assert editor.collected_sql == []
    assert after.apps.get_model("kernel", "labelled")._meta.get_field("title").verbose_name == "tiêu đề"


def test_only_label_changes_and_untouched_new_models_are_taken() -> None:
    with pytest.raises(TypeError, match="label changes"):
        ReloadOnce([migrations.RunSQL("SELECT 1")])
    with pytest.raises(TypeError, match="changed by another"):
        ReloadOnce(
            [
                migrations.CreateModel("fresh", [("id", models.AutoField(primary_key=True))]),
                migrations.AlterModelOptions("fresh", {"verbose_name": "mới"}),
            ]
        )
