"""The collapsing rules alone, no database: per key, the newest version's state (the first of equal versions),
never-changing facts from the first event that has them; and what a tally counts."""
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from services.reporting.domain.collapse import COLLAPSE, ProjectionRows
from services.reporting.domain.tallies import Tally
from shared.events import registration as r
from shared.events import training as t
from shared.events.envelope import Envelope
from shared.revocation import REVOCATION_HANDLERS

START = datetime(2023, 7, 1, 1, 0, tzinfo=UTC)


def collapsed(*events) -> ProjectionRows:
    """(event, version) pairs in arrival order, a second apart."""
    rows = ProjectionRows()
    for i, (event, version) in enumerate(events):
        envelope = Envelope.wrap(event, source="/sipelkop/test", subject="x", aggregate_version=version)
        envelope.time = START + timedelta(seconds=i)
        rows.add(envelope, event)
    return rows


def cooperative(coop, **changes):
    return r.CooperativeUpdated(**{"cooperative_id": coop, "name": "Koperasi Maju", "registration_number": "640001",
                                   "district_code": "64.08", "kind": "produsen", "sector": "Perikanan",
                                   "active": True, "members_male": 5, "members_female": 5, **changes})


def test_the_newest_version_wins_and_an_equal_one_is_no_newer():
    coop = uuid.uuid4()
    rows = collapsed((cooperative(coop, active=False), 2), (cooperative(coop, grade="A"), 3),
                     (cooperative(coop, grade="B"), 3), (cooperative(coop, grade="C"), 1))
    [row] = rows.cooperatives.rows.values()
    assert (row["version"], row["grade"], row["active"], row["sector"]) == (3, "A", True, "perikanan")
    assert rows.count == 4 and rows.newest == START + timedelta(seconds=3)


def test_a_late_older_enrolment_fills_the_facts_and_leaves_the_status():
    enrollment, batch, person, coop = (uuid.uuid4() for _ in range(4))
    cancelled = r.EnrollmentCancelled(enrollment_id=enrollment, batch_id=batch, participant_id=person, reason="sakit")
    enrolled = r.ParticipantEnrolled(enrollment_id=enrollment, batch_id=batch, participant_id=person,
                                     full_name="Siti Aminah", gender="P", position="ketua", cooperative_id=coop,
                                     cooperative_name="Koperasi Maju", district_code="64.02", sector="Simpan Pinjam",
                                     enrolled_at=START)
    [row] = collapsed((cancelled, 2), (enrolled, 1)).enrollments.rows.values()
    assert (row["status"], row["version"]) == ("cancelled", 2)
    assert (row["cooperative_id"], row["district_code"], row["sector"], row["gender"]) == (
        coop, "64.02", "simpan pinjam", "P")
    assert "full_name" not in row and "cooperative_name" not in row  # no names are kept


def test_a_umk_owner_counts_among_no_cooperative():
    enrollment, batch, person, business = (uuid.uuid4() for _ in range(4))
    enrolled = r.ParticipantEnrolled(enrollment_id=enrollment, batch_id=batch, participant_id=person,
                                     full_name="Budi", gender="L", position="pemilik", cooperative_id=business,
                                     cooperative_name="Warung Budi", district_code="64.02", sector="Perdagangan",
                                     enrolled_at=START, category=r.UMK_CATEGORY)
    [row] = collapsed((enrolled, 1)).enrollments.rows.values()
    assert row["cooperative_id"] is None and row["category"] == r.UMK_CATEGORY


def test_a_close_and_a_schedule_are_versioned_apart():
    batch = uuid.uuid4()
    rows = collapsed((t.BatchCancelled(batch_id=batch, reason="banjir"), 3),
                     (t.BatchScheduled(batch_id=batch, code="X-1", title="Dibatalkan", fiscal_year=2023,
                                       venue="Samarinda", start_date=START.date(), end_date=START.date(),
                                       capacity=10, eligible_districts=["64.02"], session_count=1), 1))
    assert [(row["status"], row["version"]) for row in rows.batch_lifecycles.rows.values()] == [("cancelled", 3)]
    assert [(row["code"], row["version"]) for row in rows.batch_descriptions.rows.values()] == [("X-1", 1)]


def test_an_event_type_without_a_projection_is_refused():
    event = r.ParticipantRegistered(participant_id=uuid.uuid4(), cooperative_id=uuid.uuid4(), district_code="64.02",
                                    gender="L", position="ketua")
    assert type(event) not in COLLAPSE
    with pytest.raises(LookupError):
        collapsed((event, 1))


def test_the_registry_holds_the_corrections_and_no_revocation():
    assert t.AttendanceCorrected in COLLAPSE
    assert not set(COLLAPSE) & set(REVOCATION_HANDLERS)


def test_a_tally_splits_by_sex_and_status():
    tally = Tally()
    for status, gender, n in (("enrolled", "L", 3), ("enrolled", "P", 2), ("waitlisted", "P", 4),
                              ("cancelled", "L", 1)):
        tally.count_enrolments(status, gender, n)
    for completed, gender, n in ((True, "P", 2), (True, None, 1), (False, "L", 1)):
        tally.count_decisions(completed, gender, n)
    assert (tally.enrolled, tally.enrolled_men, tally.enrolled_women, tally.waitlisted, tally.cancelled) == (
        5, 3, 2, 4, 1)
    assert (tally.completed, tally.completed_men, tally.completed_women, tally.not_completed) == (3, 0, 2, 1)
