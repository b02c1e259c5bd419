"""Training with TRAINING_EVIDENCE_URL pointing at a real S3-compatible bucket (SeaweedFS, tests/fixtures/s3.py) over
its real PostgreSQL: a photograph uploaded on the console's page and a scan through the API land in the bucket,
the page shows the thumbnail, the files download as stored, an admin's delete removes the objects; a bucket that is
away is a 503 in Bahasa with no record; a commit that fails leaves no object behind."""
import io
from hashlib import sha256

import httpx
from PIL import Image
from sqlalchemy import text

from services.training.bootstrap import create_training_app
from services.training.config import TrainingSettings
from tests.fixtures.infra import free_port
from tests.fixtures.s3 import s3_bucket, s3_server  # noqa: F401  (the fixtures)
from tests.fixtures.tokens import test_token
from tests.integration.training.conftest import PUBLIC_URL, TrainingService, scheduled
from tests.integration.training.test_report_bundle import jpeg, tiny_pdf, upload
from tests.integration.training.test_score_pages import pages, words


async def started(pg_url, evidence_url: str) -> TrainingService:
    settings = TrainingSettings(database_url=pg_url, env="test", public_base_url=PUBLIC_URL, evidence_url=evidence_url)
    app = create_training_app(settings, start_background=False, handlers={})
    await app.state.runtime.start(run_relay=False, run_consumers=False)
    return TrainingService(app)


async def test_upload_thumbnail_download_and_delete_with_the_files_in_the_bucket(pg_url, s3_server, s3_bucket):
    training = await started(pg_url, s3_server.url(s3_bucket))
    try:
        batch, _ = await scheduled(training)
        console = pages(training, role="training_staff", subject="staf-1")
        report_page = f"/konsol/angkatan/{batch['id']}/laporan"
        photographed = jpeg(gps=True)
        sent = await console.post(f"{report_page}/bukti", data={"csrf": console.csrf, "kind": "foto",
                                                                "caption": "Peserta praktik pembukuan digital"},
                                  files={"file": ("IMG_0042.JPG", photographed, "image/jpeg")})
        assert sent.status_code == 303 and "pesan=Bukti%20tersimpan." in sent.headers["location"]
        staff = training.client("training_staff")
        scan = await upload(staff, batch["id"], tiny_pdf(), "kuitansi.pdf", kind="kuitansi",
                            caption="Kuitansi konsumsi hari pertama")
        assert scan.status_code == 201, scan.text
        photo, receipt = (await staff.get(f"/api/v1/batches/{batch['id']}/evidence")).json()
        assert s3_server.objects(s3_bucket) == sorted([f"{batch['id']}/{photo['id']}.jpg",
                                                       f"{batch['id']}/{photo['id']}.thumb.jpg",
                                                       f"{batch['id']}/{receipt['id']}.pdf"])

        shown = await console.get(report_page)
        assert shown.status_code == 200
        assert f'<img src="{photo["thumbnail_url"]}" alt="Peserta praktik pembukuan digital"' in shown.text
        assert "Kuitansi konsumsi hari pertama" in words(shown) and "PDF" in words(shown)
        thumbnail = await console.get(photo["thumbnail_url"])
        assert thumbnail.status_code == 200 and thumbnail.headers["content-type"] == "image/jpeg"
        assert max(Image.open(io.BytesIO(thumbnail.content)).size) == 320

        kept = await staff.get(photo["url"])
        assert kept.status_code == 200 and sha256(kept.content).hexdigest() == photo["sha256"]
        assert not Image.open(io.BytesIO(kept.content)).getexif() and b"Samsung" not in kept.content
        bucket_copy = s3_server.client().get_object(s3_bucket, f"{batch['id']}/{photo['id']}.jpg").read()
        assert bucket_copy == kept.content  # what an operator finds in the bucket is the stripped file
        assert (await staff.get(receipt["url"])).content == tiny_pdf()

        assert (await staff.delete(photo["url"])).status_code == 403
        admin = training.client("admin")
        assert (await admin.delete(photo["url"])).status_code == 204
        assert s3_server.objects(s3_bucket) == [f"{batch['id']}/{receipt['id']}.pdf"]
        assert (await admin.get(photo["url"])).status_code == 404
        trail = (await admin.get("/api/v1/audit", params={"entity": "evidence"})).json()["items"]
        assert [(e["action"], e["entity_id"]) for e in trail][:1] == [("deleted", photo["id"])]
    finally:
        await training.runtime.stop()


async def test_a_bucket_that_is_away_is_a_503_in_bahasa_and_nothing_is_recorded(pg_url, s3_server, s3_bucket):
    training = await started(pg_url, s3_server.url(s3_bucket, port=free_port()))  # nothing listens there
    try:
        batch, _ = await scheduled(training)
        staff = training.client("training_staff")
        answer = await upload(staff, batch["id"], jpeg(), "foto.jpg")
        assert answer.status_code == 503, answer.text
        error = answer.json()["error"]
        assert error["code"] == "evidence_store_unavailable" and "coba lagi beberapa saat lagi" in error["message"]
        console = pages(training, role="training_staff", subject="staf-1")
        page = await console.post(f"/konsol/angkatan/{batch['id']}/laporan/bukti",
                                  data={"csrf": console.csrf, "kind": "foto", "caption": "Pembukaan"},
                                  files={"file": ("foto.jpg", jpeg(), "image/jpeg")})
        assert page.status_code == 503 and "bucket S3) sedang tidak dapat dihubungi" in words(page)
        assert 'value="foto"' in page.text and "Pembukaan" in page.text  # the form keeps what was typed
        assert (await staff.get(f"/api/v1/batches/{batch['id']}/evidence")).json() == []
        trail = (await training.client("admin").get("/api/v1/audit", params={"entity": "evidence"})).json()
        assert trail["items"] == []
        assert not s3_server.client().bucket_exists(s3_bucket)
    finally:
        await training.runtime.stop()


async def test_a_record_that_cannot_be_committed_leaves_no_object_in_the_bucket(pg_url, s3_server, s3_bucket):
    training = await started(pg_url, s3_server.url(s3_bucket))
    try:
        batch, _ = await scheduled(training)
        async with training.runtime.engine.begin() as conn:  # the database refuses the record, after the upload
            await conn.execute(text("CREATE FUNCTION refuse_evidence() RETURNS trigger AS $$ BEGIN "
                                    "RAISE EXCEPTION 'disk basis data penuh'; END $$ LANGUAGE plpgsql"))
            await conn.execute(text("CREATE TRIGGER refuse BEFORE INSERT ON batch_evidence FOR EACH ROW "
                                    "EXECUTE FUNCTION refuse_evidence()"))
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=training.app, raise_app_exceptions=False),
                                   base_url="http://training", timeout=30,
                                   headers={"Authorization": f"Bearer {test_token(subject='staf-1', role='training_staff')}"})
        answer = await upload(client, batch["id"], jpeg(), "foto.jpg")
        assert answer.status_code == 500
        assert s3_server.client().bucket_exists(s3_bucket)  # the objects were written (the bucket made) ...
        assert s3_server.objects(s3_bucket) == []  # ... and removed when the commit failed
        assert (await client.get(f"/api/v1/batches/{batch['id']}/evidence")).json() == []
    finally:
        await training.runtime.stop()
