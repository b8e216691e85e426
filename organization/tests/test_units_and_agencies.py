"""Administrative units and agencies: the real 2025 units, legacy communes, public lists."""

from __future__ import annotations

import pytest

from organization.codes import agency_code_error
from organization.loaders import legacy_successor, load_units
from organization.models import AdministrativeUnit, Agency, LegacyUnit

pytestmark = pytest.mark.django_db


def test_units_match_the_2025_reform():
    assert AdministrativeUnit.objects.filter(level="province").count() == 34
    assert AdministrativeUnit.objects.filter(level="commune").count() == 3321
    hung_yen = AdministrativeUnit.objects.get(code="33")
    assert hung_yen.name == "Tỉnh Hưng Yên"
    assert hung_yen.children.count() == 104


def test_loading_units_twice_changes_nothing():
    before = AdministrativeUnit.objects.count(), LegacyUnit.objects.count()
    load_units()
    assert (AdministrativeUnit.objects.count(), LegacyUnit.objects.count()) == before


def test_every_legacy_commune_has_a_successor():
    assert LegacyUnit.objects.count() == 381
    assert LegacyUnit.objects.filter(successor__isnull=True).count() == 0
    assert set(LegacyUnit.objects.values_list("province_name", flat=True)) == {
        "Tỉnh Hưng Yên",
        "Tỉnh Thái Bình",
    }


def test_old_commune_maps_to_new_commune():
    # Phường Hiến Nam (old code 11953, Thành phố Hưng Yên) is the seat of the new Phường Phố Hiến.
    assert legacy_successor("11953").name == "Phường Phố Hiến"
    # Phường Lam Sơn (11950) merged into Phường Sơn Nam.
    assert legacy_successor("11950").code == "11983"
    split = LegacyUnit.objects.filter(mapping="split").first()
    assert split is not None and split.other_successors.exists()
    assert legacy_successor("99999") is None


def test_units_api_filters_and_folds(api):
    status, body = api().get("units", province="33", page_size=200)
    assert status == 200 and body["count"] == 104
    status, body = api().get("units", q="pho hien", province="33")
    assert [u["name"] for u in body["items"]] == ["Phường Phố Hiến"]
    status, body = api().get("units", level="province", page_size=50)
    assert body["count"] == 34


def test_hung_yen_has_a_centre_and_committee_per_commune():
    communes = Agency.objects.filter(province__code="33", level="commune")
    assert communes.filter(kind="service_centre").count() == 104
    assert communes.filter(kind="peoples_committee").count() == 104
    centre = Agency.objects.get(code="001.00.11953.H31")
    assert centre.parent.code == "000.00.11953.H31"
    assert centre.unit.name == "Phường Phố Hiến"


def test_agencies_api_filters_by_level_and_unit(api):
    status, body = api().get("agencies", level="commune", unit="11953")
    assert status == 200
    assert {a["code"] for a in body["items"]} == {"000.00.11953.H31", "001.00.11953.H31"}
    status, body = api().get("agencies", level="province", kind="department", page_size=100)
    names = {a["name"] for a in body["items"]}
    assert "Sở Tư pháp" in names
    status, body = api().get("agencies", level="galaxy")
    assert status == 422
    status, body = api().get("agencies/000.00.04.H31")
    assert body["name"] == "Sở Tư pháp"
    status, body = api().get("agencies/000.00.99.H99")
    assert status == 404


@pytest.mark.parametrize(
    ("code", "ok"),
    [
        ("000.00.01.H22", True),
        ("000.00.11953.H31", True),
        ("G01", True),
        ("000.00.01.X22", False),
        ("000.00.01.h22", False),
        ("", False),
        ("0" * 40 + ".H31", False),
        ("000..01.H22", False),
    ],
)
def test_agency_code_format(code, ok):
    assert (agency_code_error(code) is None) is ok
