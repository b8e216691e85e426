"""Uploads are judged by parsing, not by searching bytes: a corpus of hostile files, generated in code
(documents/tests/corpus.py), is refused file by file with the right reason code and message, through
the storing service and the upload API, storing nothing; the benign corpus (scans, Word, Excel,
OpenDocument, WeasyPrint and pyHanko-signed PDFs) still passes; no mutation of a good file makes the
validator raise anything but a refusal."""

from __future__ import annotations

import contextlib
import io

import pypdf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from documents import signing
from documents.models import ComponentFile, StoredFile
from documents.services import file_store
from documents.tests.corpus import (
    BENIGN,
    HOSTILE,
    Sample,
    build_pdf,
    docx,
    jpeg,
    link_page,
    png,
    weasyprint_pdf,
)
from documents.validation import DEFAULT_LIMITS, FileRejected, Limits, inspect
from kernel.errors import DomainError
from organization.models import Agency
from testing.documents import dossier_component, files_in, upload

pytestmark = pytest.mark.django_db

COMMUNE_A = "000.00.11953.H31"


def stored_state(media) -> tuple[int, int, int]:
    return StoredFile.objects.count(), ComponentFile.objects.count(), len(files_in(media))


def test_the_corpus_is_big_enough_and_covers_every_family():
    assert len(HOSTILE) >= 25
    codes = {sample.code for sample in HOSTILE}
    assert {
        "pdf_javascript",
        "pdf_launch",
        "pdf_embedded_file",
        "pdf_xfa",
        "office_encrypted",
        "zip_method",
    } <= codes
    assert {"image_too_large", "type_not_allowed", "pdf_polyglot", "zip_bomb", "macro"} <= codes
    assert len({sample.name for sample in HOSTILE + BENIGN}) == len(HOSTILE) + len(BENIGN)


@pytest.mark.parametrize("sample", HOSTILE, ids=lambda sample: sample.name)
def test_a_hostile_file_is_refused_with_its_reason_and_nothing_is_stored(sample: Sample, media_in_tmp):
    data = sample.make()
    before = stored_state(media_in_tmp)
    with pytest.raises(DomainError) as refused:
        file_store(data=data, name=sample.name, actor=None)
    error = refused.value
    assert error.code == f"file_{sample.code}", error.message
    assert sample.words in error.message
    assert error.status == 400 and error.fields == {"file": [error.message]}
    assert stored_state(media_in_tmp) == before


def test_every_hostile_file_gets_a_400_through_the_upload_api(officer_a, dossier, media_in_tmp):
    component = dossier_component(dossier)
    before = stored_state(media_in_tmp)
    for sample in HOSTILE:
        status, body = upload(officer_a, dossier["code"], component, sample.name, sample.make())
        assert status == 400, (sample.name, body)
        assert set(body) == {"error"} and body["error"]["code"] == f"file_{sample.code}", (sample.name, body)
        assert sample.words in body["error"]["message"]
        assert body["error"]["fields"] == {"file": [body["error"]["message"]]}
    assert stored_state(media_in_tmp) == before


def test_a_hostile_pdf_in_the_portal_shows_its_reason_and_stores_nothing(citizen, media_in_tmp):
    from testing.clients import logged_in
    from testing.portal import required_components, start_draft
    from testing.portal import upload as portal_upload

    client = logged_in(citizen)
    dossier = start_draft(client)
    component = required_components(dossier)[0]
    hostile = next(sample for sample in HOSTILE if sample.name == "objstm-js.pdf")
    response = portal_upload(client, dossier, component.pk, hostile.make(), name="giay-khai-sinh.pdf")
    assert response.status_code == 400
    assert "Tệp PDF chứa mã JavaScript" in response.content.decode()
    assert stored_state(media_in_tmp) == (0, 0, 0)


@pytest.mark.parametrize("sample", BENIGN, ids=lambda sample: sample.name)
def test_a_benign_file_passes(sample: Sample, media_in_tmp):
    data = sample.make()
    stored = file_store(data=data, name=sample.name, actor=None)
    assert stored.size == len(data) and stored.name.rsplit(".", 1)[0] == sample.name.rsplit(".", 1)[0]
    assert len(files_in(media_in_tmp)) == 1


def test_signed_pdfs_pass_a_signature_being_an_incremental_update():
    agency = Agency.objects.get(code=COMMUNE_A)
    source = weasyprint_pdf()
    once = signing.sign_pdf(
        source,
        agency=agency,
        signer_name=agency.name,
        reason="Phát hành kết quả",
        location="Hưng Yên",
        stamp_lines=["Mã hồ sơ: H31.001-260302-0001"],
        qr_url="https://dichvucong.hungyen.gov.vn/xac-thuc/0b7c",
    )
    twice = signing.sign_pdf(
        once, agency=agency, signer_name="Văn thư", reason="Sao y", location="", stamp_lines=[], qr_url=None
    )
    for signed in (once, twice):
        assert signed.startswith(source[:8]) and len(signed) > len(source)
        assert inspect(signed).pages == 2
        assert signing.verify_pdf(signed).ok


def test_javascript_added_by_an_update_after_a_signature_is_refused():
    from documents.tests.corpus import append_update

    agency = Agency.objects.get(code=COMMUNE_A)
    signed = signing.sign_pdf(
        weasyprint_pdf(), agency=agency, signer_name="A", reason="r", location="", stamp_lines=[], qr_url=None
    )
    number = len(pypdf.PdfReader(io.BytesIO(signed)).xref_objStm) + 500
    hostile = append_update(signed, {number: b"<< /S /JavaScript /JS (app.alert(1)) >>"})
    with pytest.raises(FileRejected) as refused:
        inspect(hostile)
    assert refused.value.code == "pdf_javascript"


def test_the_benign_corpus_passes_through_the_upload_api(officer_a, dossier):
    component = dossier_component(dossier)
    for sample in BENIGN:
        status, body = upload(officer_a, dossier["code"], component, sample.name, sample.make())
        assert status == 201, (sample.name, body)


def test_the_pixel_bound_is_a_setting(settings, officer_a, dossier):
    settings.MOTCUA_UPLOAD_MAX_MEGAPIXELS = 1
    status, body = upload(
        officer_a, dossier["code"], dossier_component(dossier), "scan.jpg", jpeg((1240, 1754))
    )
    assert status == 400 and body["error"]["code"] == "file_image_too_large"
    assert "1240×1754 = 2.2 triệu điểm ảnh, tối đa 1 triệu" in body["error"]["message"]


def test_a_pdf_that_holds_too_many_objects_is_refused_before_it_is_walked():
    limits = Limits(max_pdf_objects=20)
    objects = link_page(b"<< /S /GoTo /D [3 0 R /Fit] >>")
    objects.update({number: b"<< /N %d >>" % number for number in range(7, 40)})
    with pytest.raises(FileRejected) as refused:
        inspect(build_pdf(objects), limits)
    assert refused.value.code == "pdf_too_complex"


def test_a_zip_with_more_members_than_any_office_file_is_refused_before_its_directory_is_parsed():
    data = docx({f"word/media/{number}.xml": b"" for number in range(30)})
    with pytest.raises(FileRejected) as refused:
        inspect(data, Limits(max_zip_members=20))
    assert refused.value.code == "zip_bomb" and "hơn 20 mục" in refused.value.message


def test_zip_bomb_by_declared_size():
    data = docx({"word/media/a.xml": b"\x00" * (2 * 1024 * 1024)})
    with pytest.raises(FileRejected) as refused:
        inspect(data, Limits(max_zip_uncompressed=1024 * 1024))
    assert refused.value.code == "zip_bomb" and "tối đa 1 MB" in refused.value.message


# A mutated good file is either accepted or refused with a reason: never anything else (no 500).
SEEDS = {
    "pdf": build_pdf(link_page(b"<< /S /URI /URI (https://vbpl.vn/) >>")),
    "docx": docx(),
    "png": png((64, 48)),
    "jpeg": jpeg((64, 48)),
}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.sampled_from(sorted(SEEDS)),
    edits=st.lists(
        st.tuples(st.floats(0, 1, exclude_max=True), st.binary(min_size=1, max_size=8)), max_size=4
    ),
    cut=st.one_of(st.none(), st.floats(0.05, 1)),
)
def test_a_mutated_good_file_is_accepted_or_refused_never_an_error(seed, edits, cut):
    data = bytearray(SEEDS[seed])
    for where, patch in edits:
        at = int(where * len(data))
        data[at : at + len(patch)] = patch
    if cut is not None:
        data = data[: max(1, int(len(data) * cut))]
    # A refusal with its reason is a correct answer; any other exception fails the test.
    with contextlib.suppress(FileRejected):
        inspect(bytes(data), DEFAULT_LIMITS)
