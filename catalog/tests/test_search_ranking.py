"""Search ranks by how well the name matches, then by how often the procedure is filed, on SQLite and
PostgreSQL alike (issue 14 §6, docs/adr/0024).

The 30 queries are what citizens type (no diacritics) with the procedure they mean, each checked by
hand against the names of the shipped catalog. They run against the real names: of the shipped national
catalog (read as `import_procedures data/procedures` reads it: the lists alone carry no levels, and which
procedures are in force in the province depends on them), every procedure that any of the queries finds
is imported — the others cannot appear in a query's results, so leaving them out changes no order —
and published in the province at province and commune level as the demo does. No dossier is filed, so
popularity plays no part: the worst case, a new install.
"""

from __future__ import annotations

import itertools
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from catalog import search, services
from catalog.importer import ProcedureImporter, version_data_from_raw
from catalog.models import Procedure, ProcedureVersion, PublicationItem
from catalog.selectors import CatalogFilters, procedure_search
from reports.models import Fact
from reports.popularity import first_month, refresh_filed_counts
from testing.dossiers import counter_dossier
from testing.search_queries import QUERIES

SHIPPED = Path(settings.BASE_DIR) / "data" / "procedures"


@pytest.fixture
def national_catalog(db):
    """Every national procedure's name, field and levels, published in the province at province and
    commune level (the demo's rule, demo/loader.publish_catalog)."""
    summary = ProcedureImporter(select=found_by_a_query).run([SHIPPED])
    assert summary.failed == 0 and summary.records > 100
    drafts = Procedure.objects.filter(
        current_version__isnull=True, latest_version__status=ProcedureVersion.Status.DRAFT
    ).filter(latest_version__at_commune=True) | Procedure.objects.filter(
        current_version__isnull=True,
        latest_version__status=ProcedureVersion.Status.DRAFT,
        latest_version__at_province=True,
    )
    decision = services.decision_create(
        number="99/QĐ-UBND-TIMKIEM",
        title="Công bố danh mục thủ tục (kiểm thử tìm kiếm)",
        signed_on=date(2025, 7, 1),
        effective_on=date(2025, 7, 1),
        signer="Chủ tịch UBND tỉnh",
        issuer="Ủy ban nhân dân tỉnh",
        items=[
            services.ItemSpec(procedure=p, action=PublicationItem.Action.NEW, version=p.latest_version)
            for p in drafts
        ],
    )
    services.decision_apply(decision=decision, actor=None)


def found_by_a_query(code: str, sources: dict) -> bool:
    """Whether one of the 30 queries finds this procedure (catalog/search.py ``matches``, on the text
    ``procedure_refresh_search`` keys: the code, the name and the field)."""
    data, _issues = version_data_from_raw(sources)
    found = search.key(search.words(" ".join([code, data.name, data.field_name])))
    return any(search.matches(found, search.query_words(q)) for q, _code, _name in QUERIES)


def first(q: str, **filters: str) -> str | None:
    found = procedure_search(CatalogFilters(q=q, **filters)).first()
    return found.code if found else None


@pytest.mark.slow
def test_thirty_real_queries_put_the_procedure_meant_first(national_catalog):
    assert len(QUERIES) == 30
    names = dict(
        Procedure.objects.filter(code__in=[code for _, code, _ in QUERIES]).values_list(
            "code", "current_version__name"
        )
    )
    # Each expected procedure is in force, under the name checked by hand.
    for _, code, name in QUERIES:
        assert names.get(code) and names[code].startswith(name.rstrip(" …")), (code, names.get(code))
    wrong = [(q, code, first(q)) for q, code, _ in QUERIES if first(q) != code]
    assert wrong == []
    # The pages' filters keep the order (the kiosk asks by level, the counter by agency).
    assert first("dang ky khai sinh", level="commune") == "1.001193"
    assert first("cap giay phep xay dung", level="commune") == "1.013225"
    assert first("dang ky ket hon", scope="all") == "1.000894"
    ranked = list(procedure_search(CatalogFilters(q="dang ky khai sinh")).values_list("code", flat=True))
    # The exact name, then the names that start with the query, the shortest first.
    assert ranked[:3] == ["1.001193", "1.003583", "2.000528"]


def test_popularity_orders_equal_matches(api, officer_a):
    """Of two names that start with the query, the one filed more in the province in the last 12
    months comes first: summed from the report facts by the nightly job, not counted per search."""
    # The reference catalog: both start with "Đăng ký"; the shorter name first while nothing is filed.
    assert [first("dang ky"), first("dang ky khai sinh")] == ["1.001193", "1.001193"]
    for _ in range(2):
        counter_dossier(api, officer_a, procedure="1.000080")
    counter_dossier(api, officer_a)  # one birth registration
    assert Fact.objects.filter(grain=Fact.Grain.MONTH, received__gt=0).exists()
    assert first("dang ky") == "1.001193"  # not yet counted: the job has not run
    filed, changed = refresh_filed_counts(timezone.localdate())
    assert (filed, changed) == (2, 2)
    counts = dict(Procedure.objects.filter(filed_count__gt=0).values_list("code", "filed_count"))
    assert counts == {"1.000080": 2, "1.001193": 1}
    assert first("dang ky") == "1.000080"
    assert first("dang ky khai sinh") == "1.001193"  # the name's match comes before popularity
    assert refresh_filed_counts(timezone.localdate()) == (2, 0)  # nothing changed, nothing written


@pytest.mark.parametrize(
    "words",
    [list(w) for n in (1, 2, 3) for w in itertools.product(["dang", "ky", "khai", "sinh", "lai"], repeat=n)],
)
def test_the_tiers_in_python_and_the_patterns_agree(words):
    """``rank`` is the definition; every tier's pattern selects exactly the names of that tier or
    better, so the database's CASE (first pattern that matches) gives the same tier."""
    names = [
        search.name_key("Thủ tục đăng ký khai sinh"),
        search.name_key("Thủ tục đăng ký lại khai sinh"),
        search.name_key("Đăng ký khai sinh có yếu tố"),
        search.name_key("Sinh, khai, ký, đăng"),
    ]
    found = search.patterns(words)
    for name in names:
        tier = search.rank(name, words)
        assert (tier == 0) == (name == found.exact)
        if tier > 1:
            assert not search.like(name, found.starts)
        if tier < search.PARTIAL:
            assert all(search.like(name, p) for p in found.each)


def test_keys_fold_and_drop_the_generic_start():
    assert search.name_key("Thủ tục đăng ký khai sinh") == " dang  ky  khai  sinh "
    assert search.name_key("Đăng ký nhận cha, mẹ, con") == " dang  ky  nhan  cha  me  con "
    assert search.query_words("THỦ TỤC  Đăng  KÝ khai sinh") == ["dang", "ky", "khai", "sinh"]
    assert search.query_words("thu tuc") == ["thu", "tuc"]  # a query of those words alone keeps them
    assert search.rank(search.name_key("Thủ tục đăng ký khai sinh"), ["dang", "ky", "khai", "sinh"]) == 0
    assert (
        search.rank(search.name_key("Đăng ký thành lập hộ kinh doanh"), ["dang", "ky", "ho", "kinh", "doanh"])
        == 2
    )
    assert (
        search.rank(
            search.name_key("Dừng thủ tục đăng ký hộ kinh doanh"), ["dang", "ky", "ho", "kinh", "doanh"]
        )
        == 3
    )
    # One folded syllable after the first word is not enough for tier 2 ("từ" folds like "tử").
    assert search.rank(search.name_key("Khai thuế thu nhập từ tiền lương"), ["khai", "tu"]) == 4
    assert search.matches(search.key(search.words("1.001193 Đăng ký khai sinh Hộ tịch")), ["khai", "s", "ho"])
    assert search.tsquery(["khai", "s"]) == "khai:* & s:*"


def test_first_month_of_the_twelve():
    assert first_month(date(2026, 12, 8)) == date(2026, 1, 1)
    assert first_month(date(2026, 3, 31)) == date(2025, 4, 1)
    assert first_month(timezone.localdate()) <= timezone.localdate()
