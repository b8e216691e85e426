import pytest
from catalog.models import Procedure, FeeItem
from organization.models import Agency
pytestmark = pytest.mark.django_db

def test_explore():
    for p in Procedure.objects.select_related("current_version").all():
        v = p.current_version
        if v is None:
            print(p.code, None); continue
        fees = FeeItem.objects.filter(option__version=v).values_list("amount", flat=True)
        print(p.code, v.status, v.levels, v.online_level, v.boundary_free, list(fees), [a.code for a in v.agencies.all()][:3], v.name[:50])
    print(Procedure.objects.count())
