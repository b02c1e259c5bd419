"""S3EvidenceStore against a real S3-compatible server (SeaweedFS, tests/fixtures/s3.py): the directory store's four
calls and key rules, the bucket made on the first upload, and a bucket that is away or refuses the keys as a 503."""
import os
import uuid

import pytest

from services.training.adapters.evidence_s3 import EvidenceStoreUnavailable, S3EvidenceStore, S3Location
from services.training.adapters.evidence_store import FileEvidenceStore
from tests.fixtures.infra import free_port
from tests.fixtures.s3 import s3_bucket, s3_server  # noqa: F401  (the fixtures)

BATCH, EVIDENCE = uuid.uuid4(), uuid.uuid4()
KEY, THUMB, SCAN = f"{BATCH}/{EVIDENCE}.jpg", f"{BATCH}/{EVIDENCE}.thumb.jpg", f"{BATCH}/{uuid.uuid4()}.pdf"
BAD_KEYS = ["../../etc/passwd", f"{BATCH}/../{EVIDENCE}.jpg", f"/{BATCH}/{EVIDENCE}.jpg", f"{BATCH}/{EVIDENCE}.exe",
            f"{BATCH}/{EVIDENCE}.jpg/x", "", f"{BATCH}\\{EVIDENCE}.jpg"]


def test_put_get_exists_delete_in_a_bucket_made_on_the_first_upload(s3_server, s3_bucket):
    store = S3EvidenceStore(S3Location.parse(s3_server.url(s3_bucket)))
    assert not s3_server.client().bucket_exists(s3_bucket) and not store.exists(KEY)
    with pytest.raises(FileNotFoundError):
        store.get(KEY)  # before the bucket exists, as after: a missing file
    store.put(KEY, b"\xff\xd8 foto")
    store.put(THUMB, b"\xff\xd8 kecil")
    store.put(SCAN, b"%PDF-1.4 kuitansi")
    assert s3_server.objects(s3_bucket) == sorted([KEY, THUMB, SCAN])
    assert store.get(KEY) == b"\xff\xd8 foto" and store.exists(THUMB)
    client = s3_server.client()  # an operator browsing the bucket sees what each object is
    assert client.stat_object(s3_bucket, KEY).content_type == "image/jpeg"
    assert client.stat_object(s3_bucket, SCAN).content_type == "application/pdf"
    store.put(KEY, b"\xff\xd8 foto kedua")  # written again: replaced whole
    assert store.get(KEY) == b"\xff\xd8 foto kedua"

    store.delete(KEY)
    store.delete(KEY)  # removing what is gone is no error, as on disk
    assert not store.exists(KEY) and s3_server.objects(s3_bucket) == sorted([THUMB, SCAN])
    with pytest.raises(FileNotFoundError):
        store.get(KEY)


def test_a_photograph_over_the_client_s_part_size_lands_whole(s3_server, s3_bucket):
    store = S3EvidenceStore(S3Location.parse(s3_server.url(s3_bucket)))
    heavy = os.urandom(9 * 1024 * 1024)  # sent in parts of 5 MiB: the object appears only once all are in
    store.put(KEY, heavy)
    assert store.get(KEY) == heavy and s3_server.objects(s3_bucket) == [KEY]


def test_a_prefix_keeps_training_s_objects_in_one_folder_of_a_shared_bucket(s3_server, s3_bucket):
    store = S3EvidenceStore(S3Location.parse(s3_server.url(f"{s3_bucket}/pelatihan/bukti")))
    store.put(KEY, b"foto")
    assert s3_server.objects(s3_bucket) == [f"pelatihan/bukti/{KEY}"] and store.get(KEY) == b"foto"


@pytest.mark.parametrize("key", BAD_KEYS)
def test_a_key_the_use_case_did_not_make_is_refused_by_both_stores_before_any_request(s3_server, s3_bucket,
                                                                                        tmp_path, key):
    stores = [S3EvidenceStore(S3Location.parse(s3_server.url(s3_bucket))), FileEvidenceStore(tmp_path)]
    for store in stores:
        for call in (lambda: store.put(key, b"x"), lambda: store.get(key), lambda: store.delete(key),
                     lambda: store.exists(key)):
            with pytest.raises(ValueError, match="not an evidence key"):
                call()
    assert s3_server.objects(s3_bucket) == [] and not any(tmp_path.rglob("*"))


def test_a_bucket_away_or_refusing_the_keys_is_a_503_in_bahasa(s3_server, s3_bucket):
    away = S3EvidenceStore(S3Location.parse(s3_server.url(s3_bucket, port=free_port())))  # nothing listens there
    refused = S3EvidenceStore(S3Location.parse(s3_server.url(s3_bucket, secret="kunci-yang-salah-sekali")))
    for store, says in ((away, "sedang tidak dapat dihubungi"), (refused, "menolak kunci akses")):
        for call in (lambda: store.put(KEY, b"foto"), lambda: store.get(KEY), lambda: store.exists(KEY),
                     lambda: store.delete(KEY)):
            with pytest.raises(EvidenceStoreUnavailable) as failed:
                call()
            assert failed.value.status == 503 and says in failed.value.message
            assert "kunci-yang-salah" not in failed.value.message and s3_server.secret_key not in str(failed.value)
    assert not s3_server.client().bucket_exists(s3_bucket)  # nothing was made with the wrong key
