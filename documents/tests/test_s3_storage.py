"""The same upload path works on S3-compatible storage (several app servers share one bucket).

Runs against moto's local S3-compatible server over real HTTP (boto3 → server), not a patched client.
"""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

from documents.services import file_read, file_store
from testing.documents import pdf_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def s3_bucket(settings: Any) -> Any:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    options = {
        "bucket_name": "motcua-test",
        "endpoint_url": endpoint,
        "region_name": "us-east-1",
        "access_key": "test",
        "secret_key": "test",
        "file_overwrite": False,
        "default_acl": None,
    }
    boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    ).create_bucket(Bucket="motcua-test")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options},
    }
    yield endpoint
    server.stop()


def test_store_and_read_back_on_s3(s3_bucket):
    data = pdf_bytes(2)
    stored = file_store(data=data, name="Tờ khai.pdf", actor=None)
    assert stored.storage_name.startswith("files/")
    assert file_read(stored) == data
    again = file_store(data=data, name="bản khác.pdf", actor=None)
    # The same bytes are stored once; each upload keeps its own record and name.
    assert again.pk != stored.pk and again.blob_id == stored.blob_id and again.name == "bản khác.pdf"
    client = boto3.client(
        "s3",
        endpoint_url=s3_bucket,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    keys = [item["Key"] for item in client.list_objects_v2(Bucket="motcua-test")["Contents"]]
    assert keys == [stored.storage_name]
