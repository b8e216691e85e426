"""Persona × URL: the status every demo persona gets on every route of the site and of the API
(issue 11; STYLE: deny by default, with a test over every URL, after manage.get.gov).

Each row names a route (the resolver's pattern, or the OpenAPI operation) and a real URL of it, made
from a small world of real objects (motcua/tests/access_world.py); each column is a persona:

    AN  anonymous                                 OA  motcua.phohien      one-stop officer, commune A
    SU  admin            superuser                SA  chuyenvien.phohien  specialist, commune A
    PA  qt.tinh          province admin           LA  lanhdao.phohien     leader, commune A
    MO  kiemsoat         monitor (province)       CA  vanthu.phohien      clerk, commune A
    PO  motcua.tinh      one-stop officer,        AA  qt.phohien          agency admin, commune A
                         provincial centre        OB  motcua.tanhung      one-stop officer, commune B
    DS  chuyenvien.stp   specialist, Sở Tư pháp   SB  chuyenvien.tanhung  specialist, commune B
    DL  lanhdao.stp      leader, Sở Tư pháp       CI  congdan             citizen (owns commune A's dossiers)
                                                  BU  doanhnghiep         business

A cell is what the persona gets:

    200, 204, 400, 405, 409, 422 …  that status (reads: the exact status)
    L     a redirect to the login page (pages; the API answers 401 instead)
    302   another redirect
    401   no or bad credentials (API)
    403   refused: the persona is known but has no right here
    404   not found — also "not yours": hiding answers exactly like absence (ADR 0003)
    ok    writes (POST) only: the request passed access control — any status but 401, 403, 404 and
          a redirect to the login. Writes are probed with an empty or minimal body, so "ok" is often a
          400/409/422 about the body or the state; what matters is who is refused before that.

Every probe runs in a savepoint that is rolled back, so a write that succeeds changes nothing for the
next one. /quan-tri/ (the admin) is left out: web/tests/test_admin_access.py walks it persona by persona.

A route that exists in the resolver or the OpenAPI schema without a row here fails
``test_every_route_has_a_row`` (new routes must be placed in the matrix), and a row whose route is gone
fails ``test_no_stale_rows``.
"""

from __future__ import annotations

import json
import os
import re
import time
import uuid
from collections.abc import Callable, Iterator
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.shortcuts import resolve_url
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from accounts.models import User
from accounts.services import token_create
from motcua.api import api
from motcua.tests.access_world import World, build_world, counter_body, one_page_pdf
from testing.reference import DEMO_LOGINS

pytestmark = pytest.mark.heavy

PERSONAS = ("", *DEMO_LOGINS)
CODES = ("AN", "SU", "PA", "MO", "PO", "DS", "DL", "OA", "SA", "LA", "CA", "AA", "OB", "SB", "CI", "BU")

# (method, route, URL with {w.…} fields of the world, expected cells in the order of CODES)
Row = tuple[str, str, str, str]

# fmt: off
PAGES: list[Row] = [
    # AN  SU  PA  MO  PO  DS  DL  OA  SA  LA  CA  AA  OB  SB  CI  BU
    ("GET", "", "/",
     "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200"),
    ("GET", "^api/(?P<rest>.*)$", "/api/khong-co/",
     "404 404 404 404 404 404 404 404 404 404 404 404 404 404 404 404"),
    ("GET", "bao-cao/", "/bao-cao/",
     "L   200 200 200 200 200 200 200 200 200 200 200 200 200 403 403"),
    ("GET", "bao-cao/qua-han/", "/bao-cao/qua-han/",
     "L   200 200 200 200 200 200 200 200 200 200 200 200 200 403 403"),
    ("GET", "can-bo/", "/can-bo/",
     "L   200 200 200 200 200 200 200 200 200 200 200 200 200 403 403"),
    ("GET", "can-bo/ho-so/", "/can-bo/ho-so/",
     "L   200 200 200 200 200 200 200 200 200 200 200 200 200 403 403"),
    ("GET", "can-bo/ho-so/<str:reference>/", "/can-bo/ho-so/{w.received}/",
     "L   200 404 200 404 404 404 200 200 200 200 404 404 404 403 403"),
    ("GET", "can-bo/ho-so/<str:reference>/", "/can-bo/ho-so/{w.resolved}/",
     "L   200 404 200 404 404 404 200 200 200 200 404 404 404 403 403"),
    ("GET", "can-bo/ho-so/<str:reference>/", "/can-bo/ho-so/{w.submitted}/",
     "L   200 404 200 404 404 404 200 200 200 200 404 404 404 403 403"),
    ("GET", "can-bo/ho-so/<str:reference>/", "/can-bo/ho-so/{w.draft}/",
     "L   200 404 404 404 404 404 404 404 404 404 404 404 404 403 403"),
    ("GET", "can-bo/ho-so/<str:reference>/", "/can-bo/ho-so/{w.dossier_b}/",
     "L   200 404 200 404 404 404 404 404 404 404 404 200 200 403 403"),
    ("GET", "can-bo/ho-so/<str:reference>/bieu-mau/<slug:form>.pdf", "/can-bo/ho-so/{w.received}/bieu-mau/receipt.pdf",
     "L   200 404 200 404 404 404 200 200 200 200 404 404 404 403 403"),
    ("GET", "can-bo/ho-so/<str:reference>/bieu-mau/<slug:form>.pdf", "/can-bo/ho-so/{w.received}/bieu-mau/process-control.pdf",
     "L   200 404 200 404 404 404 200 200 200 200 404 404 404 403 403"),
    ("GET", "can-bo/ho-so/<str:reference>/bieu-mau/<slug:form>.pdf", "/can-bo/ho-so/{w.dossier_b}/bieu-mau/receipt.pdf",
     "L   200 404 200 404 404 404 404 404 404 404 404 200 200 403 403"),
    ("GET", "can-bo/ho-so/<str:reference>/thanh-phan/<int:component_id>/<slug:kind>/", "/can-bo/ho-so/{w.received}/thanh-phan/{w.received_component}/dinh-kem/",
     "L   200 404 200 404 404 404 200 200 200 200 404 404 404 403 403"),
    ("POST", "can-bo/ho-so/<str:reference>/thanh-phan/<int:component_id>/<slug:kind>/", "/can-bo/ho-so/{w.received}/thanh-phan/{w.received_component}/dinh-kem/",
     "L   ok  404 ok  404 404 404 ok  ok  ok  ok  404 404 404 403 403"),
    ("POST", "can-bo/ho-so/<str:reference>/thanh-phan/<int:component_id>/<slug:kind>/", "/can-bo/ho-so/{w.dossier_b}/thanh-phan/{w.dossier_b_component}/dinh-kem/",
     "L   ok  404 ok  404 404 404 404 404 404 404 404 ok  ok  403 403"),
    ("GET", "can-bo/ho-so/<str:reference>/thao-tac/<slug:action>/", "/can-bo/ho-so/{w.received}/thao-tac/forward/",
     "L   200 404 200 404 404 404 200 200 200 200 404 404 404 403 403"),
    ("POST", "can-bo/ho-so/<str:reference>/thao-tac/<slug:action>/", "/can-bo/ho-so/{w.received}/thao-tac/forward/",
     "L   ok  404 403 404 404 404 ok  403 403 403 404 404 404 403 403"),
    ("POST", "can-bo/ho-so/<str:reference>/thao-tac/<slug:action>/", "/can-bo/ho-so/{w.submitted}/thao-tac/receive/",
     "L   ok  404 403 404 404 404 ok  403 403 403 404 404 404 403 403"),
    ("POST", "can-bo/ho-so/<str:reference>/thao-tac/<slug:action>/", "/can-bo/ho-so/{w.dossier_b}/thao-tac/forward/",
     "L   ok  404 403 404 404 404 404 404 404 404 404 ok  403 403 403"),
    ("GET", "can-bo/ho-so/<str:reference>/thao-tac/<slug:action>/xem-truoc/", "/can-bo/ho-so/{w.received}/thao-tac/request_supplement/xem-truoc/",
     "L   200 404 200 404 404 404 200 200 200 200 404 404 404 403 403"),
    ("GET", "can-bo/so-theo-doi/", "/can-bo/so-theo-doi/",
     "L   200 200 200 200 200 200 200 200 200 200 200 200 200 403 403"),
    # The sync ledger and the reconciliations: the monitoring office's (and the superuser's) only.
    ("GET", "can-bo/dong-bo/", "/can-bo/dong-bo/",
     "L   200 403 200 403 403 403 403 403 403 403 403 403 403 403 403"),
    ("GET", "can-bo/dong-bo/doi-chieu/", "/can-bo/dong-bo/doi-chieu/",
     "L   200 403 200 403 403 403 403 403 403 403 403 403 403 403 403"),
    ("POST", "can-bo/dong-bo/doi-chieu/", "/can-bo/dong-bo/doi-chieu/",
     "L   ok  403 ok  403 403 403 403 403 403 403 403 403 403 403 403"),
    ("GET", "can-bo/tiep-nhan/", "/can-bo/tiep-nhan/",
     "L   200 403 403 200 403 403 200 403 403 403 403 200 403 403 403"),
    ("POST", "can-bo/tiep-nhan/", "/can-bo/tiep-nhan/",
     "L   ok  403 403 ok  403 403 ok  403 403 403 403 ok  403 403 403"),
    ("GET", "can-bo/tiep-nhan/giay-to/", "/can-bo/tiep-nhan/giay-to/?thu_tuc={w.procedure}",
     "L   200 404 404 200 404 404 200 404 404 404 404 200 404 403 403"),
    ("GET", "can-bo/tiep-nhan/nguoi-nop/", "/can-bo/tiep-nhan/nguoi-nop/?id_number=033190001234",
     "L   200 403 403 200 403 403 200 403 403 403 403 200 403 403 403"),
    ("GET", "can-bo/tiep-nhan/xong/<str:reference>/", "/can-bo/tiep-nhan/xong/{w.received}/",
     "L   200 404 200 404 404 404 200 200 200 200 404 404 404 403 403"),
    ("GET", "can-bo/tiep-nhan/xong/<str:reference>/", "/can-bo/tiep-nhan/xong/{w.dossier_b}/",
     "L   200 404 200 404 404 404 404 404 404 404 404 200 200 403 403"),
    ("GET", "chi-so/", "/chi-so/",
     "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200"),
    ("GET", "chi-so/<str:month>/", "/chi-so/{w.month}/",
     "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200"),
    ("GET", "chi-so/<str:month>/<str:agency_code>/", "/chi-so/{w.month}/{w.committee_a}/",
     "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200"),
    ("GET", "chi-so/<str:month>/<str:agency_code>/<str:indicator_code>/", "/chi-so/{w.month}/{w.committee_a}/{w.indicator}/",
     "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200"),
    ("GET", "chi-so/cong-bo/", "/chi-so/cong-bo/",
     "L   405 405 405 405 405 405 405 405 405 405 405 405 405 405 405"),
    ("POST", "chi-so/cong-bo/", "/chi-so/cong-bo/",
     "L   ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok"),
    ("GET", "dang-nhap/", "/dang-nhap/",
     "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200"),
    ("GET", "dang-nhap/dang-ky-xac-thuc/", "/dang-nhap/dang-ky-xac-thuc/",
     "L   L   L   L   L   L   L   L   L   L   L   L   L   L   L   L"),
    ("GET", "dang-nhap/ma-xac-thuc/", "/dang-nhap/ma-xac-thuc/",
     "L   L   L   L   L   L   L   L   L   L   L   L   L   L   L   L"),
    ("GET", "dang-nhap/mat-khau-moi/", "/dang-nhap/mat-khau-moi/",
     "L   L   L   L   L   L   L   L   L   L   L   L   L   L   L   L"),
    ("GET", "dang-xuat/", "/dang-xuat/",
     "405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 405"),
    ("POST", "dang-xuat/", "/dang-xuat/",
     "ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok"),
    ("GET", "ho-so-cua-toi/", "/ho-so-cua-toi/",
     "L   200 200 200 200 200 200 200 200 200 200 200 200 200 200 200"),
    ("GET", "ho-so-cua-toi/<str:ref>/", "/ho-so-cua-toi/{w.received}/",
     "L   404 404 404 404 404 404 404 404 404 404 404 404 404 200 404"),
    ("GET", "ho-so-cua-toi/<str:ref>/", "/ho-so-cua-toi/{w.draft}/",
     "L   404 404 404 404 404 404 404 404 404 404 404 404 404 200 404"),
    ("GET", "ho-so-cua-toi/<str:ref>/", "/ho-so-cua-toi/{w.dossier_b}/",
     "L   404 404 404 404 404 404 404 404 404 404 404 404 404 404 404"),
    ("GET", "ho-so-cua-toi/<str:ref>/ai-da-xem/", "/ho-so-cua-toi/{w.received}/ai-da-xem/",
     "L   404 404 404 404 404 404 404 404 404 404 404 404 404 200 404"),
    ("GET", "ho-so-cua-toi/<str:ref>/ai-da-xem/", "/ho-so-cua-toi/{w.dossier_b}/ai-da-xem/",
     "L   404 404 404 404 404 404 404 404 404 404 404 404 404 404 404"),
    ("GET", "ho-so-cua-toi/<str:ref>/bieu-mau/<slug:form>.pdf", "/ho-so-cua-toi/{w.received}/bieu-mau/receipt.pdf",
     "L   404 404 404 404 404 404 404 404 404 404 404 404 404 200 404"),
    ("GET", "ho-so-cua-toi/<str:ref>/bieu-mau/<slug:form>.pdf", "/ho-so-cua-toi/{w.received}/bieu-mau/process-control.pdf",
     "L   404 404 404 404 404 404 404 404 404 404 404 404 404 404 404"),
    ("GET", "ho-so-cua-toi/<str:ref>/bo-sung/<int:component_id>/", "/ho-so-cua-toi/{w.supplement}/bo-sung/{w.supplement_component}/",
     "L   405 405 405 405 405 405 405 405 405 405 405 405 405 405 405"),
    ("POST", "ho-so-cua-toi/<str:ref>/bo-sung/<int:component_id>/", "/ho-so-cua-toi/{w.supplement}/bo-sung/{w.supplement_component}/",
     "L   404 404 404 404 404 404 404 404 404 404 404 404 404 ok  404"),
    ("POST", "ho-so-cua-toi/<str:ref>/gui-bo-sung/", "/ho-so-cua-toi/{w.supplement}/gui-bo-sung/",
     "L   404 404 404 404 404 404 404 404 404 404 404 404 404 ok  404"),
    ("POST", "ho-so-cua-toi/<str:ref>/rut/", "/ho-so-cua-toi/{w.submitted}/rut/",
     "L   404 404 404 404 404 404 404 404 404 404 404 404 404 ok  404"),
    ("GET", "ho-so-cua-toi/tep/<uuid:file_uuid>/", "/ho-so-cua-toi/tep/{w.received_file}/",
     "L   200 404 200 404 404 404 200 200 200 200 404 404 404 200 404"),
    ("GET", "ho-so-cua-toi/tep/<uuid:file_uuid>/", "/ho-so-cua-toi/tep/{w.result_file}/",
     "L   200 404 200 404 404 404 200 200 200 200 404 404 404 200 404"),
    ("POST", "i18n/setlang/", "/i18n/setlang/",
     "ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok"),
    ("GET", "kho-du-lieu/", "/kho-du-lieu/",
     "L   404 404 404 404 404 404 404 404 404 404 404 404 404 200 200"),
    ("GET", "kiosk/<str:centre>/", "/kiosk/{w.centre_a}/",
     "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200"),
    ("POST", "kiosk/<str:centre>/lay-so/", "/kiosk/{w.centre_a}/lay-so/",
     "ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok"),
    ("GET", "kiosk/<str:centre>/man-hinh/", "/kiosk/{w.centre_a}/man-hinh/",
     "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200"),
    ("GET", "kiosk/<str:centre>/man-hinh/bang/", "/kiosk/{w.centre_a}/man-hinh/bang/",
     "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200"),
    ("GET", "kiosk/<str:centre>/quay/", "/kiosk/{w.centre_a}/quay/",
     "L   200 403 403 403 403 403 200 403 403 403 403 403 403 403 403"),
    ("GET", "kiosk/<str:centre>/quay/<int:number>/", "/kiosk/{w.centre_a}/quay/{w.counter}/",
     "L   200 403 403 403 403 403 200 403 403 403 403 403 403 403 403"),
    ("POST", "kiosk/<str:centre>/quay/<int:number>/<slug:action>/", "/kiosk/{w.centre_a}/quay/{w.counter}/goi-tiep/",
     "L   ok  403 403 403 403 403 ok  403 403 403 403 403 403 403 403"),
    ("GET", "kiosk/<str:centre>/tra-cuu/", "/kiosk/{w.centre_a}/tra-cuu/",
     "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200"),
    ("GET", "kiosk/<str:centre>/ve/<uuid:ticket>.pdf", "/kiosk/{w.centre_a}/ve/{w.ticket}.pdf",
     "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200"),
    ("GET", "kiosk/<str:centre>/ve/<uuid:ticket>/", "/kiosk/{w.centre_a}/ve/{w.ticket}/",
     "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200"),
    ("GET", "lich-lam-viec/", "/lich-lam-viec/",
     "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200"),
    ("GET", "lich-lam-viec/<int:year>/", "/lich-lam-viec/{w.year}/",
     "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200"),
    ("GET", "nop-ho-so/", "/nop-ho-so/",
     "L   200 200 200 200 200 200 200 200 200 200 200 200 200 200 200"),
    ("GET", "nop-ho-so/<str:code>/", "/nop-ho-so/{w.procedure}/",
     "L   403 403 403 403 403 403 403 403 403 403 403 403 403 200 200"),
    ("GET", "nop-ho-so/<str:code>/to-khai/", "/nop-ho-so/{w.procedure}/to-khai/",
     "L   403 403 403 403 403 403 403 403 403 403 403 403 403 302 302"),
    ("GET", "nop-ho-so/<str:code>/<uuid:ref>/giay-to/", "/nop-ho-so/{w.procedure}/{w.draft}/giay-to/",
     "L   403 403 403 403 403 403 403 403 403 403 403 403 403 200 404"),
    ("POST", "nop-ho-so/<str:code>/<uuid:ref>/giay-to/<int:component_id>/", "/nop-ho-so/{w.procedure}/{w.draft}/giay-to/{w.draft_component}/",
     "L   403 403 403 403 403 403 403 403 403 403 403 403 403 ok  404"),
    ("POST", "nop-ho-so/<str:code>/<uuid:ref>/huy/", "/nop-ho-so/{w.procedure}/{w.draft}/huy/",
     "L   403 403 403 403 403 403 403 403 403 403 403 403 403 ok  404"),
    ("POST", "nop-ho-so/<str:code>/<uuid:ref>/nop/", "/nop-ho-so/{w.procedure}/{w.draft}/nop/",
     "L   403 403 403 403 403 403 403 403 403 403 403 403 403 ok  404"),
    ("GET", "nop-ho-so/<str:code>/<uuid:ref>/sua/", "/nop-ho-so/{w.procedure}/{w.draft}/sua/",
     "L   403 403 403 403 403 403 403 403 403 403 403 403 403 200 404"),
    ("GET", "nop-ho-so/<str:code>/<uuid:ref>/xem-lai/", "/nop-ho-so/{w.procedure}/{w.draft}/xem-lai/",
     "L   403 403 403 403 403 403 403 403 403 403 403 403 403 200 404"),
    ("GET", "quan-ly-dang-nhap/", "/quan-ly-dang-nhap/",
     "L   200 200 404 404 404 404 404 404 404 404 200 404 404 404 404"),
    ("GET", "suc-khoe/", "/suc-khoe/",
     "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200"),
    ("GET", "tai-khoan/", "/tai-khoan/",
     "L   200 200 200 200 200 200 200 200 200 200 200 200 200 200 200"),
    ("POST", "tai-khoan/dang-xuat-moi-noi/", "/tai-khoan/dang-xuat-moi-noi/",
     "L   ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok"),
    ("POST", "tai-khoan/ma-khoi-phuc/", "/tai-khoan/ma-khoi-phuc/",
     "L   ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok"),
    ("GET", "tai-khoan/ma-khoi-phuc/moi/", "/tai-khoan/ma-khoi-phuc/moi/",
     "L   302 302 302 302 302 302 302 302 302 302 302 302 302 302 302"),
    ("POST", "tai-khoan/ma-truy-cap/<uuid:token_id>/thu-hoi/", "/tai-khoan/ma-truy-cap/{w.citizen_token}/thu-hoi/",
     "L   404 404 404 404 404 404 404 404 404 404 404 404 404 ok  404"),
    ("GET", "tai-khoan/mat-khau/", "/tai-khoan/mat-khau/",
     "L   200 200 200 200 200 200 200 200 200 200 200 200 200 200 200"),
    # A signed link for the national portal: public, the signature is the permission (a bad one: 403).
    ("GET", "tep-cong/<str:token>/", "/tep-cong/khong-hop-le/",
     "403 403 403 403 403 403 403 403 403 403 403 403 403 403 403 403"),
    ("GET", "thong-bao/", "/thong-bao/",
     "L   200 200 200 200 200 200 200 200 200 200 200 200 200 200 200"),
    ("GET", "thong-bao/cach-nhan/", "/thong-bao/cach-nhan/",
     "L   405 405 405 405 405 405 405 405 405 405 405 405 405 405 405"),
    ("POST", "thong-bao/cach-nhan/", "/thong-bao/cach-nhan/",
     "L   404 404 404 404 404 404 404 404 404 404 404 404 404 ok  ok"),
    ("POST", "thong-bao/da-doc/", "/thong-bao/da-doc/",
     "L   ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok"),
    # Entries are the citizen's own (notices/tests/test_inbox_pages.py); an unknown one is not found.
    ("POST", "thong-bao/<uuid:entry>/da-doc/", "/thong-bao/00000000-0000-4000-8000-000000000000/da-doc/",
     "L   404 404 404 404 404 404 404 404 404 404 404 404 404 404 404"),
    ("GET", "thu-tuc/", "/thu-tuc/",
     "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200"),
    ("GET", "thu-tuc/<str:code>/", "/thu-tuc/{w.procedure}/",
     "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200"),
    ("GET", "tra-cuu/", "/tra-cuu/?ma={w.received}",
     "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200"),
    ("GET", "tra-cuu/<str:code>/", "/tra-cuu/{w.received}/",
     "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200"),
    ("GET", "xac-thuc/", "/xac-thuc/",
     "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200"),
    ("GET", "xac-thuc/<uuid:verification_id>/", "/xac-thuc/{w.verification}/",
     "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200"),
]

API: list[Row] = [
    # AN  SU  PA  MO  PO  DS  DL  OA  SA  LA  CA  AA  OB  SB  CI  BU
    # Only the national portal's own token opens it (integrations/tests/test_portal_inbound.py).
    ("POST", "/portal/inbound", "/api/v1/portal/inbound",
     "401 401 401 401 401 401 401 401 401 401 401 401 401 401 401 401"),
    ("POST", "/auth/token", "/api/v1/auth/token",
     "ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok"),
    ("POST", "/auth/logout", "/api/v1/auth/logout",
     "401 ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok"),
    ("GET", "/auth/tokens", "/api/v1/auth/tokens",
     "401 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200"),
    ("POST", "/auth/tokens/{token_id}/revoke", "/api/v1/auth/tokens/{w.citizen_token}/revoke",
     "401 404 404 404 404 404 404 404 404 404 404 404 404 404 ok  404"),
    ("POST", "/auth/password", "/api/v1/auth/password",
     "401 ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok"),
    ("POST", "/users/{username}/second-factor/reset", "/api/v1/users/chuyenvien.phohien/second-factor/reset",
     "401 ok  ok  404 404 404 404 404 404 404 404 ok  404 404 404 404"),
    ("POST", "/users/{username}/second-factor/reset", "/api/v1/users/chuyenvien.tanhung/second-factor/reset",
     "401 ok  ok  404 404 404 404 404 404 404 404 404 404 404 404 404"),
    ("POST", "/users/{username}/unlock", "/api/v1/users/chuyenvien.phohien/unlock",
     "401 ok  ok  404 404 404 404 404 404 404 404 ok  404 404 404 404"),
    ("POST", "/users/{username}/unlock", "/api/v1/users/congdan/unlock",
     "401 ok  404 404 404 404 404 404 404 404 404 404 404 404 404 404"),
    ("GET", "/me", "/api/v1/me",
     "401 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200"),
    ("GET", "/units", "/api/v1/units",
     "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200"),
    ("GET", "/agencies", "/api/v1/agencies",
     "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200"),
    ("GET", "/agencies/{code}", "/api/v1/agencies/{w.committee_a}",
     "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200"),
    ("GET", "/agencies/{code}/members", "/api/v1/agencies/{w.committee_a}/members",
     "401 200 200 200 404 404 404 404 404 200 404 200 404 404 404 404"),
    ("POST", "/agencies/{code}/members", "/api/v1/agencies/{w.committee_a}/members",
     "401 ok  ok  404 404 404 404 404 404 404 404 ok  404 404 404 404"),
    ("GET", "/procedures", "/api/v1/procedures",
     "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200"),
    ("GET", "/procedures/{code}", "/api/v1/procedures/{w.procedure}",
     "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200"),
    ("GET", "/calendar/due", "/api/v1/calendar/due?start=2026-03-02T09:00:00%2B07:00&amount=1&unit=working_day",
     "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200"),
    ("GET", "/calendar/{year}", "/api/v1/calendar/{w.year}",
     "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200"),
    ("POST", "/dossiers", "/api/v1/dossiers",
     "401 ok  403 403 403 403 403 ok  403 403 403 403 403 403 403 403"),
    ("GET", "/dossiers", "/api/v1/dossiers",
     "401 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200"),
    ("GET", "/dossiers/{code}/accesses", "/api/v1/dossiers/{w.received}/accesses",
     "401 404 404 404 404 404 404 404 404 404 404 404 404 404 200 404"),
    ("GET", "/dossiers/{code}", "/api/v1/dossiers/{w.received}",
     "401 200 404 200 404 404 404 200 200 200 200 404 404 404 200 404"),
    ("GET", "/dossiers/{code}", "/api/v1/dossiers/{w.draft}",
     "401 200 404 404 404 404 404 404 404 404 404 404 404 404 200 404"),
    ("GET", "/dossiers/{code}", "/api/v1/dossiers/{w.dossier_b}",
     "401 200 404 200 404 404 404 404 404 404 404 404 200 200 404 404"),
    ("POST", "/dossiers/{code}/actions/{action}", "/api/v1/dossiers/{w.received}/actions/forward",
     "401 ok  404 403 404 404 404 ok  403 403 403 404 404 404 403 404"),
    ("POST", "/dossiers/{code}/actions/{action}", "/api/v1/dossiers/{w.submitted}/actions/receive",
     "401 ok  404 403 404 404 404 ok  403 403 403 404 404 404 403 404"),
    ("POST", "/dossiers/{code}/actions/{action}", "/api/v1/dossiers/{w.draft}/actions/submit",
     "401 403 404 404 404 404 404 404 404 404 404 404 404 404 ok  404"),
    # The applicant's supplement: his alone (the superuser and the staff who see the dossier are refused).
    ("POST", "/dossiers/{code}/actions/{action}", "/api/v1/dossiers/{w.supplement}/actions/applicant_supplement",
     "401 403 404 403 404 404 404 403 403 403 403 404 404 404 ok  404"),
    ("POST", "/dossiers/{code}/actions/{action}", "/api/v1/dossiers/{w.dossier_b}/actions/forward",
     "401 ok  404 403 404 404 404 404 404 404 404 404 ok  403 404 404"),
    # Public: the daily signed roots of the history (the world's events are today's, not yet anchored).
    ("GET", "/history/anchors", "/api/v1/history/anchors",
     "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200"),
    ("GET", "/history/anchors/{day}", "/api/v1/history/anchors/2026-01-05",
     "404 404 404 404 404 404 404 404 404 404 404 404 404 404 404 404"),
    ("GET", "/public/dossiers/{code}", "/api/v1/public/dossiers/{w.received}",
     "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200"),
    ("GET", "/dossiers/{code}/forms/{form}.pdf", "/api/v1/dossiers/{w.received}/forms/receipt.pdf",
     "401 200 404 200 404 404 404 200 200 200 200 404 404 404 200 404"),
    # The internal process-control sheet (who held which step, with notes) is not the applicant's.
    ("GET", "/dossiers/{code}/forms/{form}.pdf", "/api/v1/dossiers/{w.received}/forms/process-control.pdf",
     "401 200 404 200 404 404 404 200 200 200 200 404 404 404 403 404"),
    ("GET", "/dossiers/{code}/forms/{form}.pdf", "/api/v1/dossiers/{w.dossier_b}/forms/receipt.pdf",
     "401 200 404 200 404 404 404 404 404 404 404 404 200 200 404 404"),
    ("GET", "/ledger.pdf", "/api/v1/ledger.pdf?agency={w.committee_a}&field=ho-tich&year={w.year}",
     "401 200 403 200 404 404 404 404 200 200 200 403 404 404 403 403"),
    ("POST", "/dossiers/{code}/components/{component_id}/files", "/api/v1/dossiers/{w.received}/components/{w.received_component}/files",
     "401 ok  404 403 404 404 404 ok  ok  403 403 404 404 404 ok  404"),
    ("POST", "/dossiers/{code}/components/{component_id}/files", "/api/v1/dossiers/{w.dossier_b}/components/{w.dossier_b_component}/files",
     "401 ok  404 403 404 404 404 404 404 404 404 404 ok  ok  404 404"),
    ("GET", "/dossiers/{code}/components/{component_id}/files", "/api/v1/dossiers/{w.received}/components/{w.received_component}/files",
     "401 200 404 200 404 404 404 200 200 200 200 404 404 404 200 404"),
    ("GET", "/dossiers/{code}/components/{component_id}/files", "/api/v1/dossiers/{w.dossier_b}/components/{w.dossier_b_component}/files",
     "401 200 404 200 404 404 404 404 404 404 404 404 200 200 404 404"),
    ("GET", "/files/{file_uuid}", "/api/v1/files/{w.received_file}",
     "401 200 404 200 404 404 404 200 200 200 200 404 404 404 200 404"),
    ("GET", "/files/{file_uuid}", "/api/v1/files/{w.result_file}",
     "401 200 404 200 404 404 404 200 200 200 200 404 404 404 200 404"),
    ("POST", "/dossiers/{code}/components/{component_id}/digitize", "/api/v1/dossiers/{w.received}/components/{w.received_component}/digitize",
     "401 ok  404 403 404 404 404 ok  403 403 403 404 404 404 403 404"),
    ("POST", "/dossiers/{code}/components/{component_id}/digitization", "/api/v1/dossiers/{w.received}/components/{w.received_component}/digitization",
     "401 ok  404 403 404 404 404 ok  403 403 403 404 404 404 403 404"),
    ("POST", "/dossiers/{code}/components/{component_id}/reuse", "/api/v1/dossiers/{w.received}/components/{w.received_component}/reuse",
     "401 404 404 404 404 404 404 404 404 404 404 404 404 404 404 404"),
    ("GET", "/vault", "/api/v1/vault",
     "401 404 404 404 404 404 404 404 404 404 404 404 404 404 200 200"),
    ("GET", "/dossiers/{code}/vault", "/api/v1/dossiers/{w.received}/vault",
     "401 200 404 200 404 404 404 200 200 200 200 404 404 404 200 404"),
    ("GET", "/documents/search", "/api/v1/documents/search?q=khai+sinh",
     "401 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200"),
    ("POST", "/certified-copies", "/api/v1/certified-copies",
     "401 ok  404 403 404 404 404 ok  ok  ok  403 404 404 404 404 404"),
    ("GET", "/certified-copies", "/api/v1/certified-copies?agency={w.committee_a}&year={w.year}",
     "401 200 404 200 404 404 404 200 200 200 200 404 404 404 404 404"),
    ("POST", "/dossiers/{code}/results", "/api/v1/dossiers/{w.resolved}/results",
     "401 ok  404 403 404 404 404 403 403 ok  ok  404 404 404 403 404"),
    ("GET", "/dossiers/{code}/results", "/api/v1/dossiers/{w.resolved}/results",
     "401 200 404 200 404 404 404 200 200 200 200 404 404 404 200 404"),
    ("GET", "/verify/{verification_id}", "/api/v1/verify/{w.verification}",
     "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200"),
    ("POST", "/verify", "/api/v1/verify",
     "ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok"),
    ("GET", "/reports/summary", "/api/v1/reports/summary?from={w.year}-01-01&to={w.year}-12-31&agency={w.committee_a}",
     "401 200 200 200 403 403 403 403 200 200 200 200 403 403 403 403"),
    ("GET", "/reports/summary.xlsx", "/api/v1/reports/summary.xlsx?from={w.year}-01-01&to={w.year}-12-31&agency={w.committee_a}",
     "401 200 200 200 403 403 403 403 200 200 200 200 403 403 403 403"),
    ("GET", "/reports/summary.pdf", "/api/v1/reports/summary.pdf?from={w.year}-01-01&to={w.year}-12-31&agency={w.committee_a}",
     "401 200 200 200 403 403 403 403 200 200 200 200 403 403 403 403"),
    ("GET", "/index", "/api/v1/index",
     "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200"),
    ("GET", "/index", "/api/v1/index?month={w.month}&live=true",
     "401 200 200 200 200 200 200 200 200 200 200 200 200 200 403 403"),
    ("POST", "/index/{month}/freeze", "/api/v1/index/{w.month}/freeze",
     "401 ok  ok  ok  403 403 403 403 403 403 403 403 403 403 403 403"),
    ("GET", "/index/units/{agency_code}/history", "/api/v1/index/units/{w.committee_a}/history?from={w.month}&to={w.month}",
     "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200"),
    ("GET", "/reports/series", "/api/v1/reports/series?from={w.year}-01-01&to={w.year}-12-31&agency={w.committee_a}",
     "401 200 200 200 403 403 403 403 200 200 200 200 403 403 403 403"),
    ("GET", "/targets", "/api/v1/targets",
     "401 200 200 200 200 200 200 200 200 200 200 200 200 200 403 403"),
]
# fmt: on

C = "/api/v1/dossiers/{w.received}/components/{w.received_component}"


def _pdf_upload(name: str = "giay-to.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, one_page_pdf(), content_type="application/pdf")


# Writes whose empty body would be refused before the access check: a minimal body that gets past
# the form's validation, so that the cell says who is refused (multipart bodies are built per probe).
BODIES: dict[tuple[str, str], Callable[[World], dict[str, Any]]] = {
    ("POST", "/chi-so/cong-bo/"): lambda w: {"data": {"thang": w.month}},
    ("POST", "/kiosk/{w.centre_a}/lay-so/"): lambda w: {"data": {"line": w.line}},
    ("POST", "/api/v1/agencies/{w.committee_a}/members"): lambda w: {
        "json": {"username": "chuyenvien2.phohien", "role": "specialist", "password": "Motcua@2026!x"}
    },
    ("POST", "/api/v1/dossiers"): lambda w: {"json": counter_body(w)},
    ("POST", C + "/files"): lambda w: {"data": {"file": _pdf_upload()}},
    (
        "POST",
        "/api/v1/dossiers/{w.dossier_b}/components/{w.dossier_b_component}/files",
    ): lambda w: {"data": {"file": _pdf_upload()}},
    # Two pages declared, one scanned: refused for the count after the access check, nothing signed.
    ("POST", C + "/digitize"): lambda w: {"data": {"declared_pages": 2, "files": [_pdf_upload()]}},
    ("POST", C + "/digitization"): lambda w: {"json": {"status": "exempt", "exemption": "shown_only"}},
    ("POST", C + "/reuse"): lambda w: {"json": {"vault_item": 987654321}},
    ("POST", "/api/v1/certified-copies"): lambda w: {
        "data": {
            "agency": w.committee_a,
            "document_title": "Giấy khai sinh",
            "declared_pages": 2,
            "requester_name": "Nguyễn Thị Dân",
            "requester_national_id": "033190001234",
            "files": [_pdf_upload()],
        }
    },
    ("POST", "/api/v1/dossiers/{w.resolved}/results"): lambda w: {
        "data": {"file": _pdf_upload("ket-qua.pdf"), "title": "Giấy khai sinh"}
    },
}


# ---------------------------------------------------------------------------------------------
# Probing


def _walk(patterns: list[Any], prefix: str = "") -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def page_routes() -> set[str]:
    """Every route of the site but the admin's and the API's own (the API is walked by operation)."""
    return {r for r in _walk(get_resolver().url_patterns) if not r.startswith(("quan-tri/", "api/v1/"))}


def api_operations() -> set[tuple[str, str]]:
    schema = api.get_openapi_schema()
    return {
        (method.upper(), path.removeprefix("/api/v1"))
        for path, operations in schema["paths"].items()
        for method in operations
    }


def _login_redirect(response: Any) -> bool:
    return response.status_code == 302 and response["Location"].startswith(resolve_url(settings.LOGIN_URL))


def page_cell(method: str, response: Any) -> str:
    if _login_redirect(response):
        return "L"
    if method != "GET" and response.status_code not in (401, 403, 404, 405):
        return "ok"
    return str(response.status_code)


def api_cell(method: str, response: Any) -> str:
    if method != "GET" and response.status_code not in (401, 403, 404, 405):
        return "ok"
    return str(response.status_code)


def _probe(send: Any) -> Any:
    """One request in a savepoint rolled back afterwards: no probe sees another's writes."""
    with transaction.atomic():
        response = send()
        transaction.set_rollback(True)
    return response


class Visitor:
    """One persona on the site (a session, kept across probes) and on the API (a bearer token)."""

    def __init__(self, username: str) -> None:
        self.client = Client()
        self.headers: dict[str, str] = {}
        self.cookies = SimpleCookie()
        if username:
            user = User.objects.get(username=username)
            self.client.force_login(user)
            self.cookies = SimpleCookie(self.client.cookies)
            raw, _token = token_create(user=user)
            self.headers = {"Authorization": f"Bearer {raw}"}

    def page(self, method: str, template: str, world: World) -> str:
        # One client per persona (a new one loads the middleware again: WhiteNoise reads the static
        # files then); its cookies are reset before each probe, so one that logs out changes nothing.
        client = self.client
        client.cookies = SimpleCookie(self.cookies)
        url = template.format(w=world)
        if method == "GET":
            return page_cell(method, _probe(lambda: client.get(url)))
        body = BODIES.get((method, template), lambda w: {"data": {}})(world)
        return page_cell(method, _probe(lambda: client.post(url, body["data"])))

    def api(self, method: str, template: str, world: World) -> str:
        client = self.client
        client.cookies = SimpleCookie()  # the bearer token only
        url = template.format(w=world)
        if method == "GET":
            return api_cell(method, _probe(lambda: client.get(url, headers=self.headers)))
        body = BODIES.get((method, template), lambda w: {"json": {}})(world)
        if "json" in body:
            data, kind = json.dumps(body["json"]), "application/json"
            send = lambda: client.post(url, data, content_type=kind, headers=self.headers)  # noqa: E731
        else:
            send = lambda: client.post(url, body["data"], headers=self.headers)  # noqa: E731
        return api_cell(method, _probe(send))


def _url(template: str, world: World) -> str:
    return template.format(w=world)


def _expected(rows: list[Row], column: int) -> dict[str, str]:
    return {f"{method} {url}": cells.split()[column] for method, _route, url, cells in rows}


# ---------------------------------------------------------------------------------------------
# The world, once per module


class _StubDocument:
    def __init__(self, **kwargs: Any) -> None:
        pass

    def write_pdf(self) -> bytes:
        return b"%PDF-1.7 stub"


class _StubWeasyPrint:
    HTML = _StubDocument


@pytest.fixture(scope="module")
def pdf_stub() -> Iterator[None]:
    """The matrix is about who gets a PDF, not its layout: templates still render, WeasyPrint's layout
    (most of a form's cost) is skipped."""
    from kernel import pdf

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pdf, "weasyprint_renderer", lambda: (_StubWeasyPrint, lambda: None))
        yield


@pytest.fixture(scope="module")
def world(
    pdf_stub: None, django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any
) -> Iterator[World]:
    media = tmp_path_factory.mktemp("media")
    storages = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(media)},
        },
    }
    with override_settings(STORAGES=storages), django_db_blocker.unblock(), transaction.atomic():
        built = build_world()
        yield built
        transaction.set_rollback(True)


@pytest.mark.django_db
@pytest.mark.parametrize("column", range(len(PERSONAS)), ids=CODES)
def test_pages(world: World, column: int) -> None:
    visitor = Visitor(PERSONAS[column])
    found = {f"{m} {url}": visitor.page(m, url, world) for m, _route, url, _cells in PAGES}
    expected = _expected(PAGES, column)
    assert {k: f"{v} (table: {expected[k]})" for k, v in found.items() if expected[k] != v} == {}


@pytest.mark.django_db
@pytest.mark.parametrize("column", range(len(PERSONAS)), ids=CODES)
def test_api(world: World, column: int, settings: Any) -> None:
    # The portal's inbound endpoint switched on: then no persona's session or token opens it.
    settings.MOTCUA_DVCQG_INBOUND_TOKEN = "matrix-portal-token"
    visitor = Visitor(PERSONAS[column])
    found = {f"{m} {url}": visitor.api(m, url, world) for m, _route, url, _cells in API}
    expected = _expected(API, column)
    assert {k: f"{v} (table: {expected[k]})" for k, v in found.items() if expected[k] != v} == {}


# Which of the world's dossiers each persona finds in his list (GET /api/v1/dossiers): the statuses
# above say who opens one dossier, this says that lists and searches keep to the same rule.
# d draft (the citizen's), s submitted online, r received, u awaiting a supplement, x resolved — all
# the citizen's, at commune A — and b a stranger's at commune B.
LISTED = dict(
    zip(
        CODES,
        # AN SU        PA  MO       PO  DS  DL  OA      SA      LA      CA      AA  OB   SB   CI       BU
        ("", "dsruxb", "", "sruxb", "", "", "", "srux", "srux", "srux", "srux", "", "b", "b", "dsrux", ""),
        strict=True,
    )
)


@pytest.mark.django_db
def test_lists_keep_to_the_same_rule(world: World) -> None:
    letters = {
        world.draft: "d",
        world.submitted: "s",
        world.received: "r",
        world.supplement: "u",
        world.resolved: "x",
        world.dossier_b: "b",
    }
    found = {}
    for code, username in zip(CODES[1:], PERSONAS[1:], strict=True):
        visitor = Visitor(username)
        response = visitor.client.get("/api/v1/dossiers", {"page_size": 100}, headers=visitor.headers)
        assert response.status_code == 200, (code, response.content)
        references = {item["reference"] for item in response.json()["items"]}
        found[code] = "".join(letter for reference, letter in letters.items() if reference in references)
    assert found == {code: LISTED[code] for code in CODES[1:]}


def test_every_route_has_a_row() -> None:
    assert page_routes() - {route for _m, route, _u, _c in PAGES} == set()
    assert api_operations() - {(m, route) for m, route, _u, _c in API} == set()


def test_no_stale_rows() -> None:
    """Every row's route exists, its URL reaches that route, and it has one cell per persona."""
    assert {route for _m, route, _u, _c in PAGES} - page_routes() == set()
    assert {(m, route) for m, route, _u, _c in API} - api_operations() == set()
    fields: dict[str, Any] = {
        name: 1 if kind is int else str(uuid.UUID(int=1)) for name, kind in _field_types().items()
    }
    fake = World(**fields)
    for method, route, url, cells in PAGES:
        assert len(cells.split()) == len(CODES), (method, url)
        assert resolve(_url(url, fake).split("?")[0]).route == route, (method, url)
    for method, route, url, cells in API:
        assert len(cells.split()) == len(CODES), (method, url)
        pattern = "/api/v1" + re.sub(r"\{[^}]+\}", "[^/]+", route)
        assert re.fullmatch(pattern, _url(url, fake).split("?")[0]), (method, url)
    keys = [(m, u) for m, _r, u, _c in [*PAGES, *API]]
    assert len(keys) == len(set(keys))
    assert set(BODIES) - set(keys) == set()


def _field_types() -> dict[str, type]:
    import typing

    return typing.get_type_hints(World)


# ---------------------------------------------------------------------------------------------
# Writing the table: MATRIX_PRINT=path runs the probes and writes what each persona got, as rows.


@pytest.mark.skipif(not os.environ.get("MATRIX_PRINT"), reason="only to (re)write the table")
@pytest.mark.django_db
def test_print_observed(world: World) -> None:
    visitors = [Visitor(p) for p in PERSONAS]
    lines = []
    for name, rows, probe in (("PAGES", PAGES, Visitor.page), ("API", API, Visitor.api)):
        lines.append(f"{name}:")
        for method, route, url, _cells in rows:
            started = time.perf_counter()
            cells = [probe(v, method, url, world) for v in visitors]
            lines.append(f"    # {time.perf_counter() - started:.2f} s")
            lines.append(
                f"    ({json.dumps(method)}, {json.dumps(route, ensure_ascii=False)}, "
                f"{json.dumps(url, ensure_ascii=False)},\n"
                f'     "{" ".join(c.ljust(3) for c in cells).rstrip()}"),'
            )
    Path(os.environ["MATRIX_PRINT"]).write_text("\n".join(lines) + "\n", encoding="utf-8")
