"""Every change is a new version; provincial decisions put versions in force, all or nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db.models import F

from catalog import services
from catalog.models import Procedure, ProcedureVersion, PublicationItem, Workflow
from kernel.errors import DomainError

pytestmark = pytest.mark.django_db


def _procedure(code):
    return Procedure.objects.select_related("current_version").get(code=code)


def test_amendment_puts_the_draft_in_force_and_retires_the_old_version(province_admin, api):
    procedure = _procedure("1.001193")
    v1 = procedure.current_version
    draft = services.version_clone_as_draft(version=v1, actor=province_admin, change_note="Giảm thời hạn")
    assert draft.number == 2 and draft.status == "draft"
    assert draft.options.count() == v1.options.count() and draft.components.count() == v1.components.count()
    draft.options.filter(channel="counter").update(time_amount=Decimal("0.5"))
    decision = services.decision_create(
        number="15/QĐ-UBND",
        title="Sửa đổi TTHC hộ tịch",
        signed_on=date(2026, 3, 2),
        effective_on=date(2026, 3, 5),
        items=[services.ItemSpec(procedure=procedure, action=PublicationItem.Action.AMENDED, version=draft)],
    )
    services.decision_apply(decision=decision, actor=province_admin)
    procedure.refresh_from_db()
    v1.refresh_from_db()
    assert procedure.current_version == draft
    assert v1.status == "superseded" and v1.effective_to == date(2026, 3, 5)
    draft.refresh_from_db()
    assert draft.status == "in_force" and draft.effective_from == date(2026, 3, 5)
    _, body = api().get("procedures/1.001193")
    assert body["version"] == 2
    assert [v["number"] for v in body["versions"]] == [2, 1]
    _, old = api().get("procedures/1.001193", version=1)
    assert old["status"] == "superseded"


def test_abolition_removes_the_procedure_from_the_provincial_catalog(api, province_admin):
    procedure = _procedure("1.000080")
    decision = services.decision_create(
        number="16/QĐ-UBND",
        title="Bãi bỏ",
        signed_on=date(2026, 4, 1),
        effective_on=date(2026, 4, 1),
        items=[services.ItemSpec(procedure=procedure, action=PublicationItem.Action.ABOLISHED)],
    )
    services.decision_apply(decision=decision, actor=province_admin)
    procedure.refresh_from_db()
    assert procedure.current_version is None
    assert procedure.latest_version.status == "abolished"
    assert "1.000080" not in [i["code"] for i in api().get("procedures", q="1.000080")[1]["items"]]


def test_a_wrong_item_applies_nothing(province_admin):
    in_force = _procedure("1.001193")
    never_published = _procedure("1.004711")
    draft_of_other = never_published.latest_version
    decision = services.decision_create(
        number="17/QĐ-UBND",
        title="Sai",
        signed_on=date(2026, 4, 2),
        effective_on=date(2026, 4, 2),
        items=[
            services.ItemSpec(
                procedure=never_published, action=PublicationItem.Action.NEW, version=draft_of_other
            ),
            services.ItemSpec(
                procedure=in_force, action=PublicationItem.Action.NEW, version=in_force.current_version
            ),
        ],
    )
    with pytest.raises(DomainError) as refused:
        services.decision_apply(decision=decision, actor=province_admin)
    assert "1.001193" in refused.value.message
    never_published.refresh_from_db()
    assert never_published.current_version is None
    assert ProcedureVersion.objects.get(pk=draft_of_other.pk).status == "draft"
    decision.refresh_from_db()
    assert decision.status == "draft"


def test_a_decision_applies_once(province_admin):
    procedure = _procedure("1.004711")
    decision = services.decision_create(
        number="18/QĐ-UBND",
        title="Mới",
        signed_on=date(2026, 4, 3),
        effective_on=date(2026, 4, 3),
        items=[
            services.ItemSpec(
                procedure=procedure, action=PublicationItem.Action.NEW, version=procedure.latest_version
            )
        ],
    )
    services.decision_apply(decision=decision, actor=province_admin)
    with pytest.raises(DomainError, match="đã được áp dụng"):
        services.decision_apply(decision=decision, actor=province_admin)
    with pytest.raises(DomainError, match="đã có trong hệ thống"):
        services.decision_create(
            number="18/QĐ-UBND", title="Trùng", signed_on=date(2026, 5, 1), effective_on=None
        )


def test_only_one_draft_at_a_time(province_admin):
    version = _procedure("1.002755").current_version
    services.version_clone_as_draft(version=version, actor=province_admin)
    with pytest.raises(DomainError, match="dự thảo"):
        services.version_clone_as_draft(version=version, actor=province_admin)


def test_workflow_durations_are_checked_against_the_statutory_time():
    workflow = Workflow.objects.get(procedure__code="1.003203", level="province", status="active")
    assert services.workflow_check(workflow) == []
    step = workflow.steps.get(position=2)
    step.duration_amount += 1
    step.save()
    problems = services.workflow_check(workflow)
    assert len(problems) == 1 and "khác thời hạn giải quyết" in problems[0]


def test_parallel_consultation_counts_once_and_needs_a_lead():
    workflow = Workflow.objects.get(procedure__code="1.003203", level="province", status="active")
    appraisal = workflow.steps.get(position=2)
    workflow.steps.filter(position__gt=2).update(position=F("position") + 10)
    total = appraisal.duration_amount
    # Split appraisal into two parallel consultations of the same length: the total stays the same.
    appraisal.parallel_group = "LT"
    appraisal.save()
    workflow.steps.create(
        position=3,
        name="Lấy ý kiến Sở Xây dựng",
        role="specialist",
        duration_amount=total,
        duration_unit="working_hour",
        parallel_group="LT",
    )
    problems = services.workflow_check(workflow)
    assert problems == ["Nhóm song song «LT» phải có đúng một cơ quan chủ trì (đang có 0)."]
    appraisal.is_lead = True
    appraisal.save()
    assert services.workflow_check(workflow) == []
