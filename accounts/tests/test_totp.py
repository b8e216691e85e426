"""RFC 6238 time-based one-time passwords, checked against the RFCs' own test vectors."""

from __future__ import annotations

import base64
from urllib.parse import parse_qs, urlparse

import pytest
from hypothesis import given
from hypothesis import strategies as st

from accounts import totp

# RFC 6238 Appendix B and RFC 4226 Appendix D: the ASCII key "12345678901234567890".
RFC_KEY = b"12345678901234567890"
RFC_SECRET = base64.b32encode(RFC_KEY).decode()


@pytest.mark.parametrize(
    ("unix_time", "code"),
    [
        (59, "94287082"),
        (1111111109, "07081804"),
        (1111111111, "14050471"),
        (1234567890, "89005924"),
        (2000000000, "69279037"),
        (20000000000, "65353130"),
    ],
)
def test_rfc6238_sha1_vectors(unix_time, code):
    assert totp.totp(RFC_SECRET, unix_time, digits=8) == code


def test_rfc4226_hotp_vectors():
    expected = [
        "755224",
        "287082",
        "359152",
        "969429",
        "338314",
        "254676",
        "287922",
        "162583",
        "399871",
        "520489",
    ]
    assert [totp.hotp(RFC_KEY, counter) for counter in range(10)] == expected


def test_six_digit_code_is_the_last_six_of_the_rfc_vector():
    assert totp.totp(RFC_SECRET, 59) == "287082"  # T = 1, the same as HOTP counter 1


def test_codes_of_the_neighbouring_steps_are_accepted_once():
    now = 1_700_000_015.0
    step = totp.step_at(now)
    previous = totp.totp(RFC_SECRET, now - 30)
    current = totp.totp(RFC_SECRET, now)
    following = totp.totp(RFC_SECRET, now + 30)
    assert totp.matching_step(RFC_SECRET, current, now) == step
    assert totp.matching_step(RFC_SECRET, previous, now) == step - 1
    assert totp.matching_step(RFC_SECRET, following, now) == step + 1
    # Two steps away: refused.
    assert totp.matching_step(RFC_SECRET, totp.totp(RFC_SECRET, now - 60), now) is None
    # Replay: a step at or before the last one used is refused.
    assert totp.matching_step(RFC_SECRET, current, now, after_step=step) is None
    assert totp.matching_step(RFC_SECRET, following, now, after_step=step) == step + 1


@pytest.mark.parametrize("code", ["", "12345", "1234567", "abcdef", "12 34 5x"])
def test_malformed_codes_are_refused(code):
    assert totp.matching_step(RFC_SECRET, code, 1_700_000_000) is None


def test_spaces_in_a_code_are_ignored():
    now = 1_700_000_000
    code = totp.totp(RFC_SECRET, now)
    assert totp.matching_step(RFC_SECRET, f"{code[:3]} {code[3:]}", now) == totp.step_at(now)


@given(secret=st.binary(min_size=10, max_size=40), unix_time=st.integers(min_value=0, max_value=2**34))
def test_any_secret_accepts_its_own_code(secret, unix_time):
    encoded = base64.b32encode(secret).decode().rstrip("=")
    code = totp.totp(encoded, unix_time)
    assert len(code) == 6 and code.isdigit()
    assert totp.matching_step(encoded.lower(), code, unix_time) == totp.step_at(unix_time)


def test_generated_secrets_are_160_random_bits():
    first, second = totp.generate_secret(), totp.generate_secret()
    assert len(first) == 32 and first != second
    assert len(totp.secret_bytes(first)) == 20
    assert totp.secret_bytes(totp.grouped(first)) == totp.secret_bytes(first)


def test_provisioning_uri_is_what_authenticator_apps_read():
    uri = urlparse(
        totp.provisioning_uri("JBSWY3DPEHPK3PXP", account="motcua.phohien", issuer="Cổng dịch vụ công")
    )
    assert uri.scheme == "otpauth" and uri.netloc == "totp"
    assert uri.path == "/C%E1%BB%95ng%20d%E1%BB%8Bch%20v%E1%BB%A5%20c%C3%B4ng%3Amotcua.phohien"
    query = parse_qs(uri.query)
    assert query == {
        "secret": ["JBSWY3DPEHPK3PXP"],
        "issuer": ["Cổng dịch vụ công"],
        "algorithm": ["SHA1"],
        "digits": ["6"],
        "period": ["30"],
    }
