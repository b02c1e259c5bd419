"""TRAINING_EVIDENCE_URL as an IT unit writes it: the bucket's address read without I/O, a malformed one refused at
start in Bahasa naming the setting, the secret never shown, and training's composition root choosing the store."""
import pytest
from pydantic import ValidationError

from services.training.adapters.evidence_s3 import S3EvidenceStore, S3Location
from services.training.adapters.evidence_store import FileEvidenceStore
from services.training.bootstrap import evidence_store
from services.training.config import TrainingSettings
from shared.settings import production_problems

SECRET = "rahasia/bucket+uptd:2024@kaltim"  # holds / + : @, percent-encoded in the address
URL = "s3://sipelkop-pelatihan:rahasia%2Fbucket%2Buptd%3A2024%40kaltim@s3.diskop.kaltimprov.go.id:9000/bukti-kegiatan"


def test_the_address_names_host_bucket_prefix_keys_and_tls():
    where = S3Location.parse(URL + "/pelatihan/2024?region=id-kaltim-1")
    assert (where.endpoint, where.bucket, where.prefix) == ("s3.diskop.kaltimprov.go.id:9000", "bukti-kegiatan",
                                                            "pelatihan/2024/")
    assert (where.access_key, where.secret_key, where.secure, where.region) == ("sipelkop-pelatihan", SECRET, True,
                                                                                "id-kaltim-1")
    assert where.described == "https://s3.diskop.kaltimprov.go.id:9000/bukti-kegiatan/pelatihan/2024/"
    plain = S3Location.parse("s3://kunci:rahasia-panjang-sekali@127.0.0.1:8333/bukti?secure=false")
    assert (plain.endpoint, plain.prefix, plain.secure, plain.region) == ("127.0.0.1:8333", "", False, None)
    assert S3Location.parse("s3://k:r@[::1]:9000/b").endpoint == "[::1]:9000"


@pytest.mark.parametrize("url, says", [
    ("s3://s3.diskop.kaltimprov.go.id:9000/bukti", "kunci akses dan kunci rahasia wajib ada"),
    ("s3://kunci:rahasia@s3.diskop.kaltimprov.go.id:9000", "nama bucket tidak ada"),
    ("s3://kunci:rahasia@s3.diskop.kaltimprov.go.id:9000/bukti?tls=no", "parameter tidak dikenal: tls"),
    ("s3://kunci:rahasia@s3.diskop.kaltimprov.go.id:9000/bukti?secure=tidak", "secure harus true atau false"),
    ("s3://kunci:rahasia@s3.diskop.kaltimprov.go.id:99999/bukti", "nomor port tidak sah"),
    ("minio://kunci:rahasia@host/bukti", "hanya file:///jalur/mutlak, s3://... atau kosong"),
])
def test_a_malformed_address_stops_the_service_at_start_naming_the_setting(url, says):
    with pytest.raises(ValidationError) as refused:
        TrainingSettings(env="test", evidence_url=url)
    message = refused.value.errors()[0]["msg"]
    assert "TRAINING_EVIDENCE_URL" in message and says in message
    assert "kunci:rahasia" not in message  # the message names the setting, not the keys it holds


def test_the_composition_root_picks_the_bucket_or_the_directory(tmp_path):
    bucketed = TrainingSettings(env="test", evidence_url=URL)
    store = evidence_store(bucketed)
    assert isinstance(store, S3EvidenceStore) and store.location == S3Location.parse(URL)
    with pytest.raises(ValueError, match="cadangkan bucket itu dengan alat bucket itu sendiri"):
        bucketed.evidence_dir  # backup and restore copy a directory: a bucket is not one
    on_disk = evidence_store(TrainingSettings(env="test", data_dir=tmp_path))
    assert isinstance(on_disk, FileEvidenceStore) and on_disk.root == tmp_path.resolve() / "training-evidence"


def test_a_short_bucket_secret_is_refused_in_production_by_name_and_never_printed():
    settings = TrainingSettings(env="test", evidence_url="s3://kunci:pendek@s3.example:9000/bukti")
    assert settings.secret_values()["TRAINING_EVIDENCE_URL (kunci rahasia)"] == "pendek"
    problems = production_problems(settings)
    assert any(p.startswith("TRAINING_EVIDENCE_URL (kunci rahasia) terlalu pendek") for p in problems)
    assert not any("pendek@" in p or ": pendek" in p for p in problems)
    assert not any("TRAINING_EVIDENCE_URL" in p for p in production_problems(TrainingSettings(env="test",
                                                                                              evidence_url=URL)))
