"""The reference data of every test database (loaded once per database by the root ``conftest.py``):
the administrative units, the demo agencies, the test catalog published, the workflows, the logins, and
the rows that data migrations seed (a transactional test's flush empties them too)."""

from __future__ import annotations

from pathlib import Path

TEST_DATA = Path(__file__).resolve().parent.parent / "catalog" / "tests" / "data"
# The demo logins (demo/loader.py), in the order of the access tables.
DEMO_LOGINS = (
    "admin",
    "qt.tinh",
    "kiemsoat",
    "motcua.tinh",
    "chuyenvien.stp",
    "lanhdao.stp",
    "motcua.phohien",
    "chuyenvien.phohien",
    "lanhdao.phohien",
    "vanthu.phohien",
    "qt.phohien",
    "motcua.tanhung",
    "chuyenvien.tanhung",
    "congdan",
    "doanhnghiep",
)


def load_reference_data() -> None:
    from catalog.importer import ProcedureImporter
    from demo.loader import create_logins, create_workflows, load_agencies, publish_catalog
    from organization.loaders import load_units

    load_units()
    load_agencies()
    ProcedureImporter().run([TEST_DATA])
    publish_catalog(lambda message: None)
    create_workflows()
    create_logins()
    _reseed_notice_templates()
    _reseed_methodology_and_targets()


def _reseed_notice_templates() -> None:
    """The default notice templates the notices' migrations seed (skipped where a row exists)."""
    from notices.defaults import seed
    from notices.models import NoticeTemplate

    seed(NoticeTemplate)


def _reseed_methodology_and_targets() -> None:
    """The QĐ 766 methodology and the province's targets, which the service index's and the targets'
    migrations seed, where a flush emptied them (their loaders update or create, and each update
    would add a version to the rows' history)."""
    from importlib import import_module

    from django.apps import apps

    from serviceindex import methodologies
    from serviceindex.models import Indicator, Methodology
    from targets.models import Target

    if not Methodology.objects.exists():
        methodologies.load(Methodology, Indicator)
    if not Target.objects.exists():
        import_module("targets.migrations.0002_appendix_2024").load(apps, None)
