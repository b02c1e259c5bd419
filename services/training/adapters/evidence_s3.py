"""Evidence in an S3-compatible bucket (TRAINING_EVIDENCE_URL=s3://...), through MinIO's client: the same calls and
keys as the directory store (adapters/evidence_store.py). An S3 PUT lands whole or not at all, so the use case's
order (objects first, record second, objects removed when the commit fails) holds as it does on disk. A bucket that
cannot be reached, or refuses the keys, is a 503 in Bahasa: nothing is recorded for an upload that did not land."""
from __future__ import annotations

import io
import logging
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

from services.training.adapters.evidence_store import checked_key
from shared.errors import DomainError

log = logging.getLogger("sipelkop.training.evidence")
MEDIA_TYPES = {"jpg": "image/jpeg", "png": "image/png", "pdf": "application/pdf"}
# What a bucket answers for an object or bucket that is not there: the file is missing, the store is fine.
MISSING = frozenset({"NoSuchKey", "NoSuchBucket", "NoSuchObject", "ResourceNotFound"})


class EvidenceStoreUnavailable(DomainError):
    status, code = 503, "evidence_store_unavailable"


UNAVAILABLE = ("Penyimpanan berkas bukti (bucket S3) sedang tidak dapat dihubungi; coba lagi beberapa saat lagi. "
               "Tidak ada bukti yang tersimpan sebagian.")
REFUSED = ("Penyimpanan berkas bukti (bucket S3) menolak kunci akses layanan pelatihan; minta admin TI memeriksa "
           "TRAINING_EVIDENCE_URL. Tidak ada bukti yang tersimpan sebagian.")
# What a bucket answers for keys it does not accept: not a passing outage, the IT unit has to act.
KEYS_REFUSED = frozenset({"AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch"})


@dataclass(frozen=True)
class S3Location:
    """s3://ACCESS_KEY:SECRET_KEY@host[:port]/bucket[/prefix][?secure=false&region=...]: TLS unless secure=false;
    the keys percent-encoded where they hold / : @ or %."""
    endpoint: str
    bucket: str
    prefix: str
    access_key: str
    secret_key: str
    secure: bool
    region: str | None

    @classmethod
    def parse(cls, url: str) -> "S3Location":
        parts = urlsplit(url)
        if parts.scheme != "s3" or not parts.hostname:
            raise ValueError("TRAINING_EVIDENCE_URL: alamat bucket harus berbentuk "
                             "s3://KUNCI_AKSES:KUNCI_RAHASIA@host:port/nama-bucket")
        bucket, _, prefix = parts.path.strip("/").partition("/")
        if not bucket:
            raise ValueError("TRAINING_EVIDENCE_URL: nama bucket tidak ada (s3://...@host:port/nama-bucket)")
        if not (parts.username and parts.password):
            raise ValueError("TRAINING_EVIDENCE_URL: kunci akses dan kunci rahasia wajib ada "
                             "(s3://KUNCI_AKSES:KUNCI_RAHASIA@host:port/nama-bucket)")
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        unknown = set(query) - {"secure", "region"}
        if unknown:
            raise ValueError(f"TRAINING_EVIDENCE_URL: parameter tidak dikenal: {', '.join(sorted(unknown))} "
                             "(yang dikenal: secure, region)")
        secure = query.get("secure", "true").lower()
        if secure not in ("true", "false"):
            raise ValueError("TRAINING_EVIDENCE_URL: secure harus true atau false")
        try:
            port = parts.port
        except ValueError:
            raise ValueError("TRAINING_EVIDENCE_URL: nomor port tidak sah") from None
        host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
        return cls(endpoint=f"{host}:{port}" if port else host, bucket=bucket,
                   prefix=f"{prefix.strip('/')}/" if prefix.strip("/") else "", access_key=unquote(parts.username),
                   secret_key=unquote(parts.password), secure=secure == "true", region=query.get("region") or None)

    @property
    def described(self) -> str:
        """Where the evidence is, without the keys (for logs, the backup's manifest)."""
        scheme = "https" if self.secure else "http"
        return f"{scheme}://{self.endpoint}/{self.bucket}/{self.prefix}"


class S3EvidenceStore:
    def __init__(self, location: S3Location, *, client=None):
        self.location = location
        self.client = client or _client(location)
        self._bucket_ready = False

    def _name(self, key: str) -> str:
        return self.location.prefix + checked_key(key)

    def put(self, key: str, content: bytes) -> None:
        name = self._name(key)
        with self._answers("put", key, missing_is_absent=False):
            self._ensure_bucket()
            self.client.put_object(self.location.bucket, name, io.BytesIO(content), len(content),
                                   content_type=MEDIA_TYPES[key.rsplit(".", 1)[1]])

    def get(self, key: str) -> bytes:
        name = self._name(key)
        with self._answers("get", key):
            response = self.client.get_object(self.location.bucket, name)
            try:
                return response.read()
            finally:
                response.close()
                response.release_conn()

    def delete(self, key: str) -> None:
        name = self._name(key)
        try:
            with self._answers("delete", key):
                self.client.remove_object(self.location.bucket, name)
        except FileNotFoundError:  # removing what is not there is no error, as on disk
            pass

    def exists(self, key: str) -> bool:
        name = self._name(key)
        try:
            with self._answers("exists", key):
                self.client.stat_object(self.location.bucket, name)
        except FileNotFoundError:
            return False
        return True

    def _ensure_bucket(self) -> None:
        """The bucket is made on the first upload if it is missing (an IT unit may also make it beforehand)."""
        from minio.error import S3Error

        if self._bucket_ready:
            return
        if not self.client.bucket_exists(self.location.bucket):
            try:
                self.client.make_bucket(self.location.bucket, location=self.location.region)
            except S3Error as exc:
                if exc.code not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):  # made meanwhile: fine
                    raise
        self._bucket_ready = True

    @contextmanager
    def _answers(self, operation: str, key: str, *, missing_is_absent: bool = True):
        """A missing object as FileNotFoundError (as the directory store); any other failure of the bucket (away,
        keys refused, a bucket removed under us) as a 503 naming no secret."""
        from minio.error import MinioException, S3Error
        from urllib3.exceptions import HTTPError

        try:
            yield
        except (MinioException, HTTPError, OSError) as exc:
            if missing_is_absent and isinstance(exc, S3Error) and exc.code in MISSING:
                raise FileNotFoundError(f"{self.location.described}{key}") from exc
            self._bucket_ready = False  # a bucket removed meanwhile is made again on the next upload
            log.warning("evidence bucket %s: %s %s failed: %s", self.location.described, operation, key, exc)
            refused = isinstance(exc, S3Error) and exc.code in KEYS_REFUSED
            raise EvidenceStoreUnavailable(REFUSED if refused else UNAVAILABLE) from exc


def _client(location: S3Location):
    """MinIO's client with short waits: its own default waits 5 minutes to connect and retries 5 times, which would
    hold an upload (and the batch's row lock) that long when the bucket is away."""
    import os

    import certifi
    import urllib3
    from minio import Minio

    http = urllib3.PoolManager(
        timeout=urllib3.Timeout(connect=5, read=60), maxsize=10, cert_reqs="CERT_REQUIRED",
        ca_certs=os.environ.get("SSL_CERT_FILE") or certifi.where(),  # an agency's own CA: SSL_CERT_FILE, as minio
        retries=urllib3.Retry(total=2, backoff_factor=0.2, status_forcelist=[500, 502, 503, 504]))
    return Minio(location.endpoint, access_key=location.access_key, secret_key=location.secret_key,
                 secure=location.secure, region=location.region, http_client=http)
