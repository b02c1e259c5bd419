"""Oversized requests are refused early with 413 (the one error shape), before their bodies are read: declared
too large by Content-Length, and streamed without one (chunked), for JSON bodies and for uploads."""
from __future__ import annotations

import socket
import time
import uuid

import httpx
import pytest

from tests.fixtures.tokens import test_token
from tests.fixtures.services import start_stack

LIMIT = 64 * 1024  # <SERVICE>_MAX_REQUEST_BYTES for this stack
SERVICES = ("registration", "training", "reporting")


@pytest.fixture(scope="module")
def stack(kafka, postgres, tmp_path_factory):
    urls = {name: postgres.new_database(name[:3]) for name in SERVICES}
    env = {f"{name.upper()}_MAX_REQUEST_BYTES": str(LIMIT) for name in SERVICES}
    running = start_stack(kafka_bootstrap=kafka.bootstrap, database_urls=urls,
                          topic_prefix=f"lim{uuid.uuid4().hex[:8]}.", log_dir=tmp_path_factory.mktemp("limits"),
                          extra_env={**env, "REGISTRATION_IMPORT_MAX_BYTES": str(LIMIT)})
    yield running
    running.stop()


def officer(stack) -> httpx.Client:
    return stack.client("registration", "district_officer", "64.02")


def token() -> str:
    return test_token(subject="o", role="district_officer", district="64.02")


def assert_413(answer: httpx.Response) -> None:
    assert answer.status_code == 413, (answer.status_code, answer.text[:300])
    assert answer.json()["error"]["code"] == "payload_too_large"


def big_json(size: int) -> bytes:
    return b'{"name": "' + b"x" * size + b'", "district_code": "64.02"}'


def test_a_json_body_over_the_limit_is_refused(stack):
    for name, path in (("registration", "/api/v1/cooperatives"), ("training", "/api/v1/batches")):
        client = stack.client(name, "admin")
        assert_413(client.post(path, content=big_json(2 * LIMIT), headers={"content-type": "application/json"}))


def test_a_declared_length_over_the_limit_is_refused_before_the_body_is_sent(stack):
    """Only the headers go out: a server that waited for the body would time out instead of answering."""
    host, port = stack["registration"].url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=20) as conn:
        conn.sendall((f"POST /api/v1/cooperatives HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token()}\r\n"
                      f"Content-Type: application/json\r\nContent-Length: {1024 ** 3}\r\n\r\n").encode())
        head = conn.recv(4096).decode("latin-1")
    assert head.startswith("HTTP/1.1 413"), head[:200]


def test_an_upload_over_the_limit_is_refused(stack):
    sheet = b"nama_koperasi,nomor_induk_koperasi\n" + b"Koperasi Besar,6400000001\n" * (2 * LIMIT // 26)
    assert_413(officer(stack).post("/api/v1/imports/cooperatives",
                                   files={"file": ("besar.csv", sheet, "text/csv")}))


def chunks(total: int, piece: bytes = b"x" * 8192, head: bytes = b'{"name": "', sent: list | None = None):
    yield head
    for _ in range(total // len(piece)):
        if sent is not None:
            sent.append(len(piece))
        yield piece
        time.sleep(0.001)
    yield b'"}'


def refused_early(stack, name: str, send, sent: list[int]) -> None:
    """Either the answer is the 413, or the server cut the connection while refusing: then it must have done so
    long before the whole body was sent, and must still answer (a crashed server also cuts connections)."""
    try:
        answer = send()
    except httpx.TransportError:
        assert sum(sent) < 4 * LIMIT, f"connection lost only after {sum(sent)} bytes: not refused early"
        assert httpx.get(f"{stack[name].url}/healthz", timeout=10).status_code == 200, "the server died"
        return
    assert_413(answer)
    assert httpx.get(f"{stack[name].url}/healthz", timeout=10).status_code == 200


def test_a_chunked_upload_over_the_limit_is_refused(stack):
    sent: list[int] = []

    def body():
        boundary = b"--grenzen\r\n"
        yield boundary + b'Content-Disposition: form-data; name="file"; filename="besar.csv"\r\n' \
                         b"Content-Type: text/csv\r\n\r\nnama_koperasi,nomor_induk_koperasi\n"
        for _ in range(16 * LIMIT // 26):
            sent.append(26)
            yield b"Koperasi Besar,6400000001\n"
        yield b"\r\n--grenzen--\r\n"

    refused_early(stack, "registration", lambda: officer(stack).post(
        "/api/v1/imports/cooperatives", content=body(),
        headers={"content-type": "multipart/form-data; boundary=grenzen"}), sent)


def test_a_chunked_json_body_over_the_limit_is_refused(stack):
    """No Content-Length: the limit must be counted while the body arrives, not trusted from a header."""
    sent: list[int] = []
    refused_early(stack, "registration", lambda: officer(stack).post(
        "/api/v1/cooperatives", content=chunks(16 * LIMIT, sent=sent), headers={"content-type": "application/json"}),
        sent)
