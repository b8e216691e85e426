"""EMC's code mappings (integrations/emc/tracking.py) cover every value motcua has, with the codes of
INTEGRATIONS.md."""

from __future__ import annotations

import json

import pytest

from accounts.models import Applicant
from catalog.models import Channel, OnlineLevel
from dossiers.models import DeliveryMethod
from integrations.emc.tracking import (
    LEVEL,
    RECEPTION_FORM,
    USER_TYPE,
    payment_form,
    postal_service,
    user_field,
)


def test_every_channel_level_and_applicant_kind_has_its_code():
    assert RECEPTION_FORM == {Channel.ONLINE: 1, Channel.COUNTER: 2, Channel.POSTAL: 2}
    assert LEVEL == {OnlineLevel.FULL: 4, OnlineLevel.PARTIAL: 3, OnlineLevel.NONE: 1}
    assert USER_TYPE == {Applicant.Kind.INDIVIDUAL: 1, Applicant.Kind.ORGANIZATION: 2}


@pytest.mark.parametrize(
    ("paid_online", "charged", "code"),
    [(True, True, 1), (False, True, 2), (False, False, 0), (True, False, 1)],
)
def test_payment_form(paid_online, charged, code):
    assert payment_form(paid_online=paid_online, charged=charged) == code


@pytest.mark.parametrize(
    ("channel", "method", "code"),
    [
        (Channel.COUNTER, "", 0),
        (Channel.COUNTER, DeliveryMethod.COUNTER, 0),
        (Channel.COUNTER, DeliveryMethod.POSTAL, 1),
        (Channel.POSTAL, "", 1),
        (Channel.ONLINE, "", 2),
        (Channel.ONLINE, DeliveryMethod.ONLINE, 2),
        (Channel.ONLINE, DeliveryMethod.POSTAL, 1),
    ],
)
def test_postal_service(channel, method, code):
    assert postal_service(channel=channel, delivery_method=method) == code


def test_user_is_a_json_string_of_the_four_keys():
    text = user_field(local_id="u-1", portal_id="", kind=Applicant.Kind.ORGANIZATION, location="11953")
    assert isinstance(text, str)
    assert json.loads(text) == {"ID_local": "u-1", "ID_QG": "", "TYPE": 2, "LOCATION": "11953"}
