"""UMK owners in reporting: among the participants, apart in the summary, never among the cooperatives trained or
the target's progress; a rebuild's batches in another order leave the same tables and figures as the live stream
applied event by event, and events from before the category (no `category`) still read as cooperatives' people."""
import json
import random
import uuid
from datetime import date

from services.reporting.service_layer import reports
from bench.synthetic import EventLog, programme, seed_batch
from shared.events import registration as r
from shared.events import training as t
from tests.unit.reporting.test_batch_apply import tables, two_apps  # noqa: F401  (the fixture)

UMK = "pelaku_umk"


def with_umk_owners(log: EventLog, batch_id: uuid.UUID, *, owners: int, completing: int) -> None:
    """UMK owners enrolled in the batch (one of them waitlisted first), `completing` of them completed. Events carry
    the business's id where the cooperative's stands."""
    for n in range(owners):
        person, enrolment, business = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
        if n == 0:
            log.emit(r.EnrollmentWaitlisted(enrollment_id=enrolment, batch_id=batch_id, participant_id=person,
                                            cooperative_id=business, district_code="64.02", waitlist_position=1,
                                            category=UMK), enrolment, 1)
        log.emit(r.ParticipantEnrolled(enrollment_id=enrolment, batch_id=batch_id, participant_id=person,
                                       full_name=f"Pelaku Usaha {n}", gender="P", position="pemilik usaha",
                                       cooperative_id=business, cooperative_name=f"Usaha {n}", district_code="64.02",
                                       sector="perdagangan", enrolled_at=log.clock, category=UMK), enrolment,
                 2 if n == 0 else 1)
        decision = t.ParticipantCompleted if n < completing else t.ParticipantNotCompleted
        extra = {} if n < completing else {"reason": "tidak hadir"}
        log.emit(decision(batch_id=batch_id, participant_id=person, cooperative_id=business, district_code="64.02",
                          sector="perdagangan", gender="P", sessions_present=3, sessions_total=3, category=UMK,
                          **extra), f"{batch_id}:{person}")


def scenario():
    log = EventLog()
    programme_id = programme(log)
    batch = seed_batch(log, programme_id=programme_id, absent_last_day=2)  # 30 managers, 28 complete
    with_umk_owners(log, batch["batch_id"], owners=4, completing=3)
    return log.records


async def figures(app) -> dict:
    async with app.state.runtime.sessions() as session:
        return await reports.summary(session, fiscal_year=2023, programme_id=None, default_target=600)


async def test_umk_owners_are_counted_apart_and_a_rebuild_gives_the_same_figures(two_apps):  # noqa: F811
    in_order, rebuilt_app = two_apps
    records = scenario()
    shuffled = records[:]
    random.Random(7).shuffle(shuffled)
    for record in records:  # live: one event at a time, as published
        await in_order.state.runtime.consumer.handle_records([record])
    for start in range(0, len(shuffled), 25):  # a rebuild's batches, in another order
        await rebuilt_app.state.runtime.consumer.handle_records(shuffled[start:start + 25])
    assert await tables(rebuilt_app) == await tables(in_order)

    live, rebuilt = await figures(in_order), await figures(rebuilt_app)
    volatile = ("data_as_of", "events_applied")
    assert {k: v for k, v in rebuilt.items() if k not in volatile} == {k: v for k, v in live.items()
                                                                       if k not in volatile}
    assert (live["umk_participants_enrolled"], live["umk_participants_completed"]) == (4, 3)
    assert (live["participants_enrolled"], live["participants_completed"]) == (34, 31)
    assert live["cooperatives_trained"] == 28  # the three businesses completed are no cooperatives
    assert live["progress"] == round(28 / 600, 4)
    assert live["budget"]["cooperatives_in_closed_batches"] == 28


async def test_events_from_before_the_category_are_cooperatives_people(two_apps):  # noqa: F811
    app, _ = two_apps
    log = EventLog()
    batch = seed_batch(log, programme_id=programme(log), absent_last_day=0, districts={"64.02": 2},
                       start=date(2023, 7, 4))
    for record in log.records:  # as published before minor 1: no category at all
        envelope = json.loads(record.value)
        envelope["data"].pop("category", None)
        envelope["minor_version"] = 0
        record.value = json.dumps(envelope).encode()
    await app.state.runtime.consumer.handle_records(log.records)
    live = await figures(app)
    assert (live["cooperatives_trained"], live["participants_completed"]) == (2, 2)
    assert (live["umk_participants_enrolled"], live["umk_participants_completed"]) == (0, 0)
    assert batch["batch_id"]
