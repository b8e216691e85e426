"""Demo data for Hưng Yên: units, agencies (a People's Committee and a service centre for each of the
104 communes), the national catalog published in the province, standard workflows, demo logins.

Idempotent: running it again changes nothing that is already there.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction

from accounts import services as account_services
from accounts.models import Applicant, SecondFactor, User
from accounts.selectors import DEMO_OTP_SECRET
from catalog import services as catalog_services
from catalog.importer import ProcedureImporter
from catalog.models import Procedure, ProcedureVersion, PublicationDecision, PublicationItem, Workflow
from organization.loaders import load_units
from organization.models import AdministrativeUnit, Agency, Membership, Role
from organization.services import agency_upsert, membership_grant

DATA_DIR = Path(settings.BASE_DIR) / "data"
PROVINCE_CODE = "33"
PROVINCE_E_ID = "H31"  # illustrative level-1 code; see data/README.md
# Meets the staff password rules (accounts/passwords.py): 18 characters, not common, not like a username.
DEMO_PASSWORD = "MotCua@HungYen2026"
COMMUNE_A = "11953"  # Phường Phố Hiến
COMMUNE_B = "11977"  # Xã Tân Hưng
DEMO_DECISION = "01/QĐ-UBND-DEMO"


def commune_committee_code(ward_code: str) -> str:
    return f"000.00.{ward_code}.{PROVINCE_E_ID}"


def commune_centre_code(ward_code: str) -> str:
    return f"001.00.{ward_code}.{PROVINCE_E_ID}"


@dataclass
class DemoLogin:
    username: str
    role: str
    where: str


@dataclass
class DemoResult:
    agencies: int = 0
    procedures_in_force: int = 0
    workflows: int = 0
    logins: list[DemoLogin] = field(default_factory=list)


Say = Callable[[str], None]


def load_agencies() -> int:
    province = AdministrativeUnit.objects.get(code=PROVINCE_CODE)
    count = 0
    rows = list(csv.DictReader((DATA_DIR / "demo" / "hung-yen-agencies.csv").open(encoding="utf-8")))
    by_code: dict[str, Agency] = {}
    for row in rows:
        by_code[row["code"]] = agency_upsert(
            code=row["code"],
            name=row["name"],
            short_name=row["short_name"],
            kind=row["kind"],
            level=row["level"],
            unit=province,
            parent=by_code.get(row["parent_code"]) if row["parent_code"] else None,
        )
        count += 1
    provincial_committee = by_code["000.00.00.H31"]
    for commune in AdministrativeUnit.objects.filter(parent=province).order_by("code"):
        committee = agency_upsert(
            code=commune_committee_code(commune.code),
            name=f"Ủy ban nhân dân {commune.name}",
            short_name=f"UBND {commune.name}",
            kind=Agency.Kind.PEOPLES_COMMITTEE,
            level=Agency.Level.COMMUNE,
            unit=commune,
            parent=provincial_committee,
        )
        agency_upsert(
            code=commune_centre_code(commune.code),
            name=f"Trung tâm Phục vụ hành chính công {commune.name}",
            short_name=f"TTPVHCC {commune.name}",
            kind=Agency.Kind.SERVICE_CENTRE,
            level=Agency.Level.COMMUNE,
            unit=commune,
            parent=committee,
        )
        count += 2
    return count


@transaction.atomic
def publish_catalog(say: Say) -> int:
    """Publish in the province every imported procedure carried out at province or commune level,
    through one provincial decision, and link the provincial departments named in each."""
    if PublicationDecision.objects.filter(number=DEMO_DECISION).exists():
        return Procedure.objects.filter(current_version__isnull=False).count()
    candidates = list(
        Procedure.objects.filter(
            current_version__isnull=True, latest_version__status=ProcedureVersion.Status.DRAFT
        ).filter(latest_version__at_province=True)
        | Procedure.objects.filter(
            current_version__isnull=True,
            latest_version__status=ProcedureVersion.Status.DRAFT,
            latest_version__at_commune=True,
        )
    )
    departments = list(
        Agency.objects.filter(
            province__code=PROVINCE_CODE,
            level=Agency.Level.PROVINCE,
            kind__in=[Agency.Kind.DEPARTMENT, Agency.Kind.VERTICAL],
        )
    )
    decision = catalog_services.decision_create(
        number=DEMO_DECISION,
        title="Công bố Danh mục thủ tục hành chính thực hiện trên địa bàn tỉnh Hưng Yên (dữ liệu mẫu)",
        signed_on=date(2025, 7, 1),
        effective_on=date(2025, 7, 1),
        signer="Chủ tịch UBND tỉnh",
        issuer="Ủy ban nhân dân tỉnh Hưng Yên",
        items=[
            catalog_services.ItemSpec(
                procedure=p, action=PublicationItem.Action.NEW, version=p.latest_version
            )
            for p in candidates
        ],
    )
    for procedure in candidates:
        assert procedure.latest_version is not None
        catalog_services.version_link_agencies(version=procedure.latest_version, agencies=departments)
    catalog_services.decision_apply(decision=decision, actor=None)
    say(f"Đã công bố {len(candidates)} thủ tục theo quyết định {DEMO_DECISION}.")
    return len(candidates)


def create_workflows() -> int:
    created = 0
    for procedure in Procedure.objects.filter(current_version__isnull=False).select_related(
        "current_version"
    ):
        version = procedure.current_version
        assert version is not None
        for level, applies in (("province", version.at_province), ("commune", version.at_commune)):
            if not applies or Workflow.objects.filter(procedure=procedure, level=level, agency=None).exists():
                continue
            workflow = catalog_services.workflow_create_standard(
                procedure=procedure, level=level, approval_decision="Quy trình mẫu (dữ liệu demo)"
            )
            catalog_services.workflow_activate(workflow=workflow)
            created += 1
    return created


def _user(username: str, full_name: str, *, superuser: bool = False) -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"full_name": full_name, "is_staff": superuser, "is_superuser": superuser},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user


# Earlier demos gave the province administrator this group of Django permissions; rights in the admin
# now come from roles (organization/admin_policy.py), and the group would only mislead.
LEGACY_DEMO_GROUP = "Quản trị cấp tỉnh"


def create_logins() -> list[DemoLogin]:
    logins: list[DemoLogin] = []
    _user("admin", "Quản trị hệ thống", superuser=True)
    logins.append(DemoLogin("admin", "Quản trị hệ thống (superuser)", "toàn hệ thống"))
    office = Agency.objects.get(code="000.00.01.H31")
    centre = Agency.objects.get(code="000.00.02.H31")
    justice = Agency.objects.get(code="000.00.04.H31")
    commune_a = AdministrativeUnit.objects.get(code=COMMUNE_A)
    commune_b = AdministrativeUnit.objects.get(code=COMMUNE_B)
    a_committee = Agency.objects.get(code=commune_committee_code(COMMUNE_A))
    a_centre = Agency.objects.get(code=commune_centre_code(COMMUNE_A))
    b_committee = Agency.objects.get(code=commune_committee_code(COMMUNE_B))
    b_centre = Agency.objects.get(code=commune_centre_code(COMMUNE_B))
    staff = [
        ("qt.tinh", "Nguyễn Văn Quản", office, Role.PROVINCE_ADMIN),
        ("kiemsoat", "Trần Thị Kiểm", office, Role.MONITOR),
        ("motcua.tinh", "Lê Thị Tiếp", centre, Role.ONE_STOP_OFFICER),
        ("chuyenvien.stp", "Phạm Văn Thẩm", justice, Role.SPECIALIST),
        ("lanhdao.stp", "Hoàng Văn Duyệt", justice, Role.LEADER),
        ("motcua.phohien", "Đỗ Thị Nhận", a_centre, Role.ONE_STOP_OFFICER),
        ("chuyenvien.phohien", "Vũ Văn Xử", a_committee, Role.SPECIALIST),
        ("lanhdao.phohien", "Bùi Văn Ký", a_committee, Role.LEADER),
        ("vanthu.phohien", "Ngô Thị Sổ", a_committee, Role.CLERK),
        ("qt.phohien", "Đinh Văn Trị", a_committee, Role.AGENCY_ADMIN),
        ("motcua.tanhung", "Lý Thị Hưng", b_centre, Role.ONE_STOP_OFFICER),
        ("chuyenvien.tanhung", "Mai Văn Tân", b_committee, Role.SPECIALIST),
    ]
    Group.objects.filter(name=LEGACY_DEMO_GROUP).delete()
    # Their admin rights come from their roles alone (qt.tinh: province admin, qt.phohien: agency
    # admin); a database of an earlier demo had qt.tinh marked staff, which now means nothing.
    User.objects.filter(username__in=[row[0] for row in staff]).update(is_staff=False)
    for username, full_name, agency, role in staff:
        user = _user(username, full_name)
        membership_grant(actor=None, agency=agency, user=user, role=role)
        logins.append(DemoLogin(username, str(Role(role).label), agency.name))
    _enrol_demo_staff([login.username for login in logins])
    citizen = _user("congdan", "Nguyễn Thị Dân")
    Applicant.objects.get_or_create(
        national_id="033190001234",
        defaults={
            "user": citizen,
            "kind": Applicant.Kind.INDIVIDUAL,
            "name": "Nguyễn Thị Dân",
            "date_of_birth": date(1990, 5, 12),
            "unit": commune_a,
            "address": f"Số 5 đường Chùa Chuông, {commune_a.name}, Tỉnh Hưng Yên",
            "phone": "0912345678",
        },
    )
    logins.append(DemoLogin("congdan", "Công dân (CCCD 033190001234)", commune_a.name))
    business = _user("doanhnghiep", "Công ty TNHH Phố Hiến Xanh")
    Applicant.objects.get_or_create(
        tax_code="0901234567",
        defaults={
            "user": business,
            "kind": Applicant.Kind.ORGANIZATION,
            "name": "Công ty TNHH Phố Hiến Xanh",
            "unit": commune_b,
            "address": f"Khu công nghiệp, {commune_b.name}, Tỉnh Hưng Yên",
        },
    )
    logins.append(DemoLogin("doanhnghiep", "Doanh nghiệp (MST 0901234567)", commune_b.name))
    return logins


def _enrol_demo_staff(usernames: list[str]) -> None:
    """In demo mode the demo's staff share one published second-factor secret (README, ``manage.py
    demo_otp``), so that anyone can try them; someone who already enrolled keeps their own secret."""
    if not settings.MOTCUA_DEMO:
        return
    enrolled = set(
        SecondFactor.objects.filter(user__username__in=usernames).values_list("user_id", flat=True)
    )
    for user in User.objects.filter(username__in=usernames).exclude(pk__in=enrolled):
        account_services.second_factor_enrol(actor=None, user=user, secret=DEMO_OTP_SECRET)


def load_demo(*, say: Say = print, reimport: bool = False) -> DemoResult:
    result = DemoResult()
    units = load_units()
    say(f"Đơn vị hành chính: {units.provinces} tỉnh, {units.communes} xã; {units.legacy} xã cũ.")
    result.agencies = load_agencies()
    say(f"Cơ quan của tỉnh Hưng Yên: {result.agencies}.")
    if reimport or not Procedure.objects.exists():
        say("Nhập danh mục TTHC quốc gia (data/procedures)…")

        def progress(done: int, total: int, code: str) -> None:
            if done % 500 == 0 or done == total:
                say(f"  {done}/{total}")

        summary = ProcedureImporter(progress=progress).run([DATA_DIR / "procedures"])
        say(
            f"  {summary.records} thủ tục; phân tích đầy đủ {summary.details_fully_parsed}/{summary.details} "
            f"trang chi tiết ({summary.fully_parsed_rate:.1%})."
        )
    result.procedures_in_force = publish_catalog(say)
    result.workflows = create_workflows()
    result.logins = create_logins()
    Membership.objects.filter(user__username__in=[login.username for login in result.logins]).update(
        is_active=True
    )
    if settings.MOTCUA_DEMO_PKI:
        from documents.signing import demo_pki_agencies, demo_pki_setup

        _ca, issued = demo_pki_setup(demo_pki_agencies())
        say(f"Chứng thư ký số thử nghiệm (CA nội bộ): {issued} chứng thư mới.")
    return result
