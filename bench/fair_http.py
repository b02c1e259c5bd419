"""The fair baselines of the HTTP rows: a minimal ASGI app (one route, no middleware, no framework) that does the
request's work with the least machinery (`python -m bench.fair_http KIND DB_URL PORT`).

Per request it verifies the bearer token with the services' own verifier (EdDSA against the same published keys),
parses the body, sends the same SQL statements in the same order and round trips as the service (captured from the
service with `log_statement = all`), commits with the same durability and answers the same JSON. It is served by
the same uvicorn (same loop and HTTP parser, one worker) and hit by the same load generator. Not done: the
service's rules (they are pure Python and run on rows already read), its relay (the service's own relay publishes
these rows too, as it does ours) and the revocation list (reloaded every 5 s, not per request)."""
from __future__ import annotations

import json
import os
import sys
import uuid
from datetime import UTC, datetime

import asyncpg

# registration: POST /api/v1/enrollments (services/registration/service_layer/enrollments.py)
LOCK_BATCH = ("SELECT id, code, title, fiscal_year, venue, start_date, end_date, capacity, eligible_districts, "
              "district_quotas, status, version FROM batches WHERE id = $1 FOR UPDATE")
PARTICIPANT = ("SELECT p.id, p.nik, p.full_name, p.gender, p.birth_date, p.position, p.phone, p.email, p.cooperative_id, "
               "p.district_code, p.version, p.created_at, p.created_by, p.updated_at, p.updated_by, c.id, c.name, "
               "c.registration_number, c.legal_entity_number, c.district_code, c.address, c.kind, c.sector, c.active, "
               "c.grade, c.members_male, c.members_female, c.nib, c.last_rat_year, c.syariah, c.managers_count, "
               "c.employees_count, c.version, c.created_at, c.created_by, c.updated_at, c.updated_by "
               "FROM participants p JOIN cooperatives c ON c.id = p.cooperative_id WHERE p.id = $1 FOR UPDATE OF p")
COOPERATIVE = ("SELECT id, name, registration_number, legal_entity_number, district_code, address, kind, sector, active, "
               "grade, members_male, members_female, nib, last_rat_year, syariah, managers_count, employees_count, "
               "version, created_at, created_by, updated_at, updated_by FROM cooperatives WHERE id = $1")
MINE = ("SELECT e.batch_id, b.code, b.start_date, b.end_date FROM enrollments e JOIN batches b ON b.id = e.batch_id "
        "WHERE e.participant_id = $1 AND e.status IN ('enrolled', 'waitlisted') AND b.status = 'scheduled'")
LINE = ("SELECT district_code, coalesce(sum(CASE WHEN status = 'enrolled' THEN 1 ELSE 0 END), 0), "
        "coalesce(sum(CASE WHEN status = 'waitlisted' THEN 1 ELSE 0 END), 0), max(waitlist_seq) "
        "FROM enrollments WHERE batch_id = $1 GROUP BY district_code")
INSERT_ENROLMENT = ("INSERT INTO enrollments (id, batch_id, participant_id, district_code, status, waitlist_seq, version, "
                    "created_at, created_by, updated_at, updated_by, cancel_reason) "
                    "VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $8, NULL, NULL, NULL)")
AUDIT = ("INSERT INTO audit_log (at, actor, actor_name, role, action, entity, entity_id, district_code, changes) "
         "VALUES ($1, $2, $3, $4, $5, 'enrollment', $6, $7, $8) RETURNING id")
COMPLETIONS = ("SELECT c.cooperative_id, c.completed_at, b.id, b.code, b.title, b.end_date FROM completions c "
               "JOIN batches b ON b.id = c.batch_id WHERE b.fiscal_year = $1 AND c.cooperative_id = ANY($2::uuid[])")
OUTBOX = ("INSERT INTO outbox (event_id, event_type, topic, key, payload, created_at) VALUES ($1, $2, $3, $4, $5, $6) "
          "RETURNING seq")

# training: PUT /api/v1/batches/{id}/sessions/{no}/attendance (services/training/service_layer/attendance.py)
BATCH_SESSION = ("SELECT b.*, s.id AS session_id, s.number, s.date, s.version AS session_version FROM batches b "
                 "JOIN sessions s ON s.batch_id = b.id WHERE b.id = $1 AND s.number = $2 FOR UPDATE OF s")
ROSTER = "SELECT participant_id FROM roster WHERE batch_id = $1 AND status = 'active'"
MARKS = ("SELECT id, participant_id, status, note, recorded_by, recorded_at FROM attendance WHERE session_id = $1")
INSERT_MARK = ("INSERT INTO attendance (session_id, participant_id, status, note, recorded_by, recorded_at, received_at) "
               "VALUES ($1, $2, $3, $4, $5, $6, $7)")
SESSION_VERSION = "UPDATE sessions SET version = $1 WHERE id = $2"


def envelope(event_type: str, source: str, subject: str, version: int, data: dict, minor: int = 0) -> tuple[str, str]:
    event_id = str(uuid.uuid4())
    return event_id, json.dumps({
        "specversion": "1.0", "id": event_id, "type": event_type, "source": source,
        "time": datetime.now(UTC).isoformat(), "subject": subject, "aggregate_version": version,
        "minor_version": minor, "correlation_id": str(uuid.uuid4()), "causation_id": None,
        "datacontenttype": "application/json", "data": data}, separators=(",", ":"))


async def enrol(conn: asyncpg.Connection, principal, body: dict, prefix: str) -> tuple[int, dict]:
    batch_id, participant_id = uuid.UUID(body["batch_id"]), uuid.UUID(body["participant_id"])
    async with conn.transaction():
        batch = await conn.fetchrow(LOCK_BATCH, batch_id)
        person = await conn.fetchrow(PARTICIPANT, participant_id)
        cooperative = await conn.fetchrow(COOPERATIVE, person["cooperative_id"])
        await conn.fetch(MINE, participant_id)
        line = await conn.fetch(LINE, batch_id)
        taken = sum(int(r[1]) for r in line)
        status = "enrolled" if taken < batch["capacity"] else "waitlisted"
        seq = (max((r[3] for r in line if r[3] is not None), default=0) + 1) if status == "waitlisted" else None
        enrolment, now = uuid.uuid4(), datetime.now(UTC)
        await conn.execute(INSERT_ENROLMENT, enrolment, batch_id, participant_id, person["district_code"], status, seq,
                           now, principal.subject)
        await conn.fetchval(AUDIT, now, principal.subject, principal.name, principal.role.value, status,
                            str(enrolment), person["district_code"],
                            json.dumps({"batch_id": [None, str(batch_id)], "participant_id": [None, str(participant_id)]}))
        await conn.fetch(COMPLETIONS, batch["fiscal_year"], [cooperative["id"]])
        event_id, payload = envelope("sipelkop.registration.participant.enrolled.v1", "/sipelkop/registration",
                                     str(enrolment), 1, {
                                         "enrollment_id": str(enrolment), "batch_id": str(batch_id),
                                         "participant_id": str(participant_id), "full_name": person["full_name"],
                                         "gender": person["gender"], "position": person["position"],
                                         "cooperative_id": str(cooperative["id"]), "cooperative_name": cooperative["name"],
                                         "district_code": cooperative["district_code"], "sector": cooperative["sector"],
                                         "enrolled_at": now.isoformat()})
        await conn.fetchval(OUTBOX, event_id, "sipelkop.registration.participant.enrolled.v1",
                            prefix + "sipelkop.registration.enrollment", str(enrolment), payload, now)
    return 201, {"id": str(enrolment), "batch_id": str(batch_id), "participant_id": str(participant_id),
                 "status": status, "waitlist_position": None, "district_code": person["district_code"],
                 "full_name": None, "version": 1, "created_at": now.isoformat(), "warnings": []}


async def attendance(conn: asyncpg.Connection, principal, body: dict, prefix: str, batch_id: uuid.UUID,
                     number: int) -> tuple[int, dict]:
    recorded_at = datetime.fromisoformat(body["recorded_at"])
    async with conn.transaction():
        row = await conn.fetchrow(BATCH_SESSION, batch_id, number)
        await conn.fetch(ROSTER, batch_id)
        await conn.fetch(MARKS, row["session_id"])
        now = datetime.now(UTC)
        marks = [(row["session_id"], uuid.UUID(m["participant_id"]), m["status"], m.get("note"), principal.subject,
                  recorded_at, now) for m in body["marks"]]
        await conn.executemany(INSERT_MARK, marks)
        version = row["session_version"] + 1
        await conn.execute(SESSION_VERSION, version, row["session_id"])
        subject = f"{batch_id}:{number}"
        data = {"batch_id": str(batch_id), "session_no": number, "session_date": row["date"].isoformat(),
                "marks": [{"participant_id": m["participant_id"], "status": m["status"], "note": m.get("note")}
                          for m in body["marks"]],
                "recorded_by": principal.subject, "correction": False, "marked_at": now.isoformat()}
        event_id, payload = envelope("sipelkop.training.attendance.recorded.v1", "/sipelkop/training", subject, version,
                                     data, minor=1)
        await conn.fetchval(OUTBOX, event_id, "sipelkop.training.attendance.recorded.v1",
                            prefix + "sipelkop.training.session", subject, payload, now)
    return 200, {"batch_id": str(batch_id), "session_no": number, "status": "open", "marks": data["marks"]}


def make_app(kind: str, db: str, prefix: str, verifier):
    state: dict = {}

    async def read_body(receive) -> bytes:
        chunks = []
        while True:
            message = await receive()
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                return b"".join(chunks)

    async def answer(send, status: int, payload: dict) -> None:
        body = json.dumps(payload).encode()
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})

    async def app(scope, receive, send):
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    # The service's pool: 10 connections and 10 more on demand (shared/db.py).
                    state["pool"] = await asyncpg.create_pool(db, min_size=10, max_size=20)
                    await send({"type": "lifespan.startup.complete"})
                else:
                    await state["pool"].close()
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        headers = dict(scope["headers"])
        if scope["path"] == "/readyz":
            return await answer(send, 200, {"status": "ready"})
        token = headers.get(b"authorization", b"").decode().removeprefix("Bearer ")
        principal = await verifier.verify(token)
        body = json.loads(await read_body(receive))
        async with state["pool"].acquire() as conn:
            if kind == "enrol":
                status, payload = await enrol(conn, principal, body, prefix)
            else:
                parts = scope["path"].split("/")  # /api/v1/batches/{id}/sessions/{no}/attendance
                status, payload = await attendance(conn, principal, body, prefix, uuid.UUID(parts[4]), int(parts[6]))
        await answer(send, status, payload)

    return app


def main() -> int:
    import uvicorn

    from shared.auth import TokenVerifier
    from shared.tokens import JwksCache

    kind, db, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    verifier = TokenVerifier(JwksCache(os.environ["SIPELKOP_JWKS_URL"]), issuer=os.environ["SIPELKOP_IDENTITY_URL"])
    app = make_app(kind, db, os.environ.get("SIPELKOP_TOPIC_PREFIX", ""), verifier)
    # The services' uvicorn settings (shared/cli.py cmd_serve): loop and HTTP parser as uvicorn picks them.
    uvicorn.run(app, host="127.0.0.1", port=port, log_config=None, timeout_graceful_shutdown=10, proxy_headers=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
