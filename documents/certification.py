"""Certified electronic copies from originals (chứng thực bản sao điện tử từ bản chính), a commune
service of its own (seed 000 target 7): the officer scans the original, checks it, and issues a signed
copy numbered in the agency's certification register, delivered to the requester's data store."""

from __future__ import annotations

import io
from datetime import datetime

import pypdf
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import User
from documents.digitization import _page_images, type_key
from documents.models import CertifiedCopy, VaultItem
from documents.ocr import scans_to_pdf
from documents.services import file_store
from dossiers.services import ApplicantData, _applicant_for, acting_membership, local_date
from kernel.errors import DomainError, Forbidden
from kernel.formatting import format_instant
from kernel.pdf import render_pdf
from kernel.text import nfc
from organization.letterhead import header_blocks, place_date_line
from organization.models import Agency, Role

CERTIFYING_ROLES = frozenset({Role.ONE_STOP_OFFICER, Role.SPECIALIST, Role.LEADER})


def _check(actor: User | None, agency: Agency) -> None:
    if agency.level != Agency.Level.COMMUNE:
        raise DomainError(
            "not_a_commune",
            "Chứng thực bản sao điện tử từ bản chính là thủ tục cấp xã.",
            fields={"agency": ["Chọn cơ quan cấp xã."]},
        )
    if (
        actor is not None
        and not actor.is_superuser
        and acting_membership(actor, agency, CERTIFYING_ROLES) is None
    ):
        raise Forbidden(f"Chỉ cán bộ của {agency.name} được chứng thực tại đây.")


def certified_copy_issue(
    *,
    agency: Agency,
    requester: ApplicantData,
    document_title: str,
    scans: list[tuple[str, bytes]],
    declared_pages: int,
    actor: User | None,
    original_number: str = "",
    original_issuer: str = "",
    at: datetime | None = None,
) -> CertifiedCopy:
    """Scan, check the page count, add the certification statement, sign, number in the register,
    store in the requester's data store — all or nothing."""
    from documents.signing import sign_pdf

    at = at or timezone.now()
    _check(actor, agency)
    title = nfc(document_title)
    if not title:
        raise DomainError(
            "title_required",
            "Cần tên giấy tờ được chứng thực.",
            fields={"document_title": ["Bắt buộc nhập."]},
        )
    if declared_pages < 1:
        raise DomainError(
            "declared_pages_required",
            "Cần số trang của bản chính.",
            fields={"declared_pages": ["Phải từ 1 trở lên."]},
        )
    images = _page_images(scans)
    if len(images) != declared_pages:
        raise DomainError(
            "page_count_mismatch",
            f"Bản quét có {len(images)} trang, khác số trang bản chính ({declared_pages}).",
            fields={"declared_pages": [f"Bản quét có {len(images)} trang."]},
        )
    scan = scans_to_pdf(images)
    year = local_date(at).year
    officer = actor.display_name if actor else "Hệ thống"
    with transaction.atomic():
        applicant = _applicant_for(requester)
        # The agency row is the register's lock: numbers are issued one at a time, without gaps.
        Agency.objects.select_for_update().get(pk=agency.pk)
        number = (
            CertifiedCopy.objects.filter(agency=agency, year=year).aggregate(n=Max("number"))["n"] or 0
        ) + 1
        copy = CertifiedCopy(
            agency=agency,
            year=year,
            number=number,
            requester=applicant,
            document_title=title,
            original_number=nfc(original_number),
            original_issuer=nfc(original_issuer),
            pages=scan.pages,
            certified_by=actor,
            certified_at=at,
        )
        statement = render_pdf(
            "documents/certification.html",
            {
                "title": "LỜI CHỨNG CHỨNG THỰC BẢN SAO ĐIỆN TỬ TỪ BẢN CHÍNH",
                "copy": copy,
                "register_number": copy.register_number,
                "requester_id": applicant.national_id or applicant.tax_code,
                "header_blocks": header_blocks(agency),
                "place_date": place_date_line(agency, at),
                "certified_at": format_instant(at),
                "officer": officer,
                "reference": "",
            },
        )
        writer = pypdf.PdfWriter()
        for part in (scan.pdf, statement):
            for page in pypdf.PdfReader(io.BytesIO(part)).pages:
                writer.add_page(page)
        merged = io.BytesIO()
        writer.write(merged)
        signed = sign_pdf(
            merged.getvalue(),
            agency=agency,
            signer_name=officer,
            reason="Chứng thực bản sao điện tử từ bản chính",
            location=agency.name,
            stamp_lines=[f"Số chứng thực: {copy.register_number}"],
            qr_url=None,
        )
        stored = file_store(
            data=signed, name=f"{title[:80]} (bản sao chứng thực).pdf", actor=actor, text=scan.text
        )
        item = VaultItem.objects.create(
            owner=applicant,
            doc_type=title,
            type_key=type_key(title),
            number=nfc(original_number),
            issuer=nfc(original_issuer),
            file=stored,
            source=VaultItem.Source.CERTIFIED_COPY,
        )
        copy.file = stored
        copy.vault_item = item
        copy.save()
    return copy
