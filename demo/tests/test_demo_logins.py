"""The demo logins: staff enrolled with the published demo secret in demo mode only; citizens not."""

from __future__ import annotations

import pytest
from django.test import override_settings

from accounts.models import SecondFactor, User
from accounts.selectors import DEMO_OTP_SECRET, is_privileged
from demo.loader import create_logins

pytestmark = pytest.mark.django_db


def test_demo_staff_share_the_published_secret_citizens_have_none():
    logins = create_logins()
    for login in logins:
        user = User.objects.get(username=login.username)
        factor = SecondFactor.objects.filter(user=user).first()
        if is_privileged(user):
            assert factor is not None and factor.secret == DEMO_OTP_SECRET, login.username
        else:
            assert factor is None, login.username
    assert {"congdan", "doanhnghiep"} <= {login.username for login in logins}


def test_someone_who_enrolled_keeps_their_own_secret(officer_a):
    SecondFactor.objects.filter(user=officer_a).update(secret="JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    create_logins()
    assert SecondFactor.objects.get(user=officer_a).secret == "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@override_settings(MOTCUA_DEMO=False)
def test_outside_demo_mode_nobody_is_enrolled_with_it(officer_a):
    SecondFactor.objects.filter(user=officer_a).delete()
    create_logins()
    assert not SecondFactor.objects.filter(user=officer_a).exists()
