"""The demo province looks like one: all ten regencies and cities, distinct people, batches over the year in every
state, a DAK programme of Rp 1.200.000.000 for 600 cooperatives, and data the services' own rules accept."""
from collections import Counter
from datetime import date, datetime, timezone

import pytest

from services.registration.domain.nik import parse_nik
from services.registration.domain.reference import KINDS, sectors
from shared import demo_data
from shared.demo_data import ACCOUNTS, agenda, scenario, wita_today
from shared.regions import districts

TODAY = date(2026, 12, 3)


@pytest.fixture(scope="module")
def demo():
    return scenario(TODAY)


def test_no_two_people_share_a_name(demo):
    names = [p.full_name for p in demo.people] + [a.full_name for a in ACCOUNTS]
    assert len(demo.people) >= 200
    assert [n for n, count in Counter(names).items() if count > 1] == []


def test_cooperatives_and_trained_people_in_all_ten_districts(demo):
    assert {c.district for c in demo.cooperatives} == set(districts())
    closed = {b.code for b in demo.batches if b.state == "closed"}
    assert {p.district for p in demo.people if p.batch in closed} == set(districts())
    assert {a.district for a in ACCOUNTS if a.district} == set(districts())  # one officer per district


def test_batches_across_the_year_in_every_state(demo):
    states = Counter(b.state for b in demo.batches)
    assert states["closed"] >= 3 and states["running"] == 1 and states["planned"] >= 1
    running = next(b for b in demo.batches if b.state == "running")
    slots = agenda(running)
    assert running.start < TODAY <= running.end
    assert [s.day < TODAY for s in slots] == [True] * running.sessions_held + [False] * (len(slots) - running.sessions_held)
    assert running.sessions_held == 3 * (TODAY - running.start).days  # three sessions a day
    assert all(b.end < TODAY and b.realised_cost and b.sessions_held == len(agenda(b)) == 3 * len(b.days)
               for b in demo.batches if b.state == "closed")
    assert all(b.start > TODAY and not b.attendance for b in demo.batches if b.state == "planned")
    months = {b.start.month for b in demo.batches if b.state == "closed"}
    assert len(months) >= 4  # spread over the year, not one week
    assert len({b.code for b in demo.batches}) == len(demo.batches)


def test_the_programme_and_budgets(demo):
    programme = demo.programme
    assert (programme["allocation"], programme["target_cooperatives"], programme["funding_source"]) == \
        (1_200_000_000, 600, "DAK")
    assert sum(programme["district_targets"].values()) == 600 and programme["fiscal_year"] == TODAY.year
    assert all(0 < b.planned_budget for b in demo.batches)
    assert all(0 < b.realised_cost <= b.planned_budget for b in demo.batches if b.state == "closed")
    assert sum(b.planned_budget for b in demo.batches) < programme["allocation"]


def test_some_complete_and_some_do_not(demo):
    closed = [b for b in demo.batches if b.state == "closed"]
    outcomes = [all(m in ("hadir", "terlambat") for m in marks) for b in closed for marks in b.attendance.values()]
    assert 0.8 < sum(outcomes) / len(outcomes) < 1
    statuses = Counter(m for b in closed for marks in b.attendance.values() for m in marks)
    assert statuses["hadir"] and statuses["terlambat"] and statuses["hadir"] > statuses["terlambat"]


def test_the_rules_of_registration_accept_the_data(demo):
    known_sectors = sectors()
    for coop in demo.cooperatives:
        assert coop.kind in KINDS and coop.sector in known_sectors and coop.registration_number.isdigit()
    assert len({c.registration_number for c in demo.cooperatives}) == len(demo.cooperatives)
    assert len({c.name for c in demo.cooperatives}) == len(demo.cooperatives)
    assert len({p.nik for p in demo.people}) == len(demo.people)
    for person in demo.people:
        info = parse_nik(person.nik, today=TODAY)
        assert info.gender == person.gender and person.nik[:4] == person.district.replace(".", "")
    women = sum(p.gender == "P" for p in demo.people) / len(demo.people)
    assert 0.3 < women < 0.55
    # No cooperative is sent to two batches in one year.
    batches_of = {}
    for person in (p for p in demo.people if p.cooperative):  # a UMK owner brings a business, no cooperative
        batches_of.setdefault(person.cooperative, set()).add(person.batch)
    assert all(len(b) == 1 for b in batches_of.values())
    # Each batch fits its capacity and takes only its districts.
    for batch in demo.batches:
        people = demo.people_in(batch.code)
        assert len(people) == batch.nominated <= batch.capacity
        assert {p.district for p in people} <= set(batch.districts)


def test_a_batch_open_to_umk_takes_umk_owners_each_with_a_business_registration_accepts(demo):
    from services.registration.domain.participant_category import UMK, UMK_POSITION, admits
    from services.registration.schemas import ParticipantCreate

    owners = [p for p in demo.people if p.business]
    assert 2 <= len(owners) <= 5
    open_to_umk = [b for b in demo.batches if b.eligibility == "koperasi_dan_umk"]
    assert len(open_to_umk) == 1 and open_to_umk[0].state == "planned"
    batch = open_to_umk[0]
    assert {p.batch for p in owners} == {batch.code}
    assert {p.district for p in owners} == set(batch.districts)  # one per district, its officer nominates them
    assert all(admits(b.eligibility, UMK) == (b is batch) for b in demo.batches)
    assert len({p.business.nib for p in owners}) == len(owners)
    assert not {p.business.nib for p in owners} & {c.nib for c in demo.cooperatives}
    assert not {p.business.name for p in owners} & {c.name for c in demo.cooperatives}
    for owner in owners:
        body = ParticipantCreate(**owner.body(None))
        assert (body.category, body.position, body.cooperative_id) == (UMK, UMK_POSITION, None)
        assert len(body.nib) == 13 and body.nib.isdigit() and body.district_code == owner.district
        assert body.business_name == owner.business.name and body.sector == owner.business.sector
    # The cooperatives' managers keep their seats; the owners come on top of them, inside the capacity.
    managers = [p for p in demo.people_in(batch.code) if p.cooperative]
    assert len(managers) + len(owners) == batch.nominated <= batch.capacity and len(managers) == 21


def test_an_agenda_of_three_sessions_a_day_without_overlap(demo):
    for batch in demo.batches:
        slots = agenda(batch)
        assert {s.day for s in slots} == set(batch.days)
        for day in batch.days:
            times = sorted((s.start, s.end) for s in slots if s.day == day)
            assert len(times) == 3 and all(a[1] < b[0] for a, b in zip(times, times[1:]))
        assert slots[0].topic.startswith("Pembukaan") and "penutupan" in slots[-1].topic


def test_the_same_day_gives_the_same_demo():
    assert [p.full_name for p in scenario(TODAY).people] == [p.full_name for p in scenario(TODAY).people]


def test_today_is_the_day_in_kalimantan_timur():
    # 17:00 UTC on 2 December is already 01:00 WITA on 3 December.
    assert wita_today(datetime(2026, 12, 2, 17, 0, tzinfo=timezone.utc)) == date(2026, 12, 3)


@pytest.mark.parametrize("today", [date(2027, 1, 4), date(2028, 2, 29), date(2026, 7, 17)])
def test_any_day_of_the_year_gives_a_consistent_demo(today):
    demo = scenario(today)
    assert len({p.full_name for p in demo.people}) == len(demo.people)
    assert all(b.end < today for b in demo.batches if b.state == "closed")
    assert all(b.start > today for b in demo.batches if b.state == "planned")
    assert next(b for b in demo.batches if b.state == "running").start < today
    for person in demo.people:
        parse_nik(person.nik, today=today)


def test_narasumber_and_the_signing_official_pass_trainings_checks(demo):
    from services.training.domain.identifiers import check_nik, check_nip
    from shared.demo_data import NARASUMBER, OFFICIAL

    for person in NARASUMBER:
        assert (person.nip and check_nip(person.nip)) or (person.nik and check_nik(person.nik))
    assert check_nip(OFFICIAL["nip"])
    trainers_with_accounts = {n.account: n.key for n in NARASUMBER if n.account}
    for batch in demo.batches:
        own = trainers_with_accounts[batch.trainer]
        taught = [slot.speaker for slot in agenda(batch)]
        assert len(taught) == len(agenda(batch)) and taught[0] == own
        if batch.state == "running":  # today's session is the signed-in trainer's to mark
            assert taught[batch.sessions_held] == own
    assert len({slot.speaker for b in demo.batches for slot in agenda(b)}) == len(NARASUMBER)


def test_a_closed_batch_is_booked_by_component_adding_up_to_its_plan_and_realisation():
    scenario = demo_data.scenario(date(2026, 12, 2))
    for batch in (b for b in scenario.batches if b.state == "closed"):
        lines = demo_data.close_lines(batch, honorarium=7_200_000)
        assert sum(line["planned"] for line in lines) == batch.planned_budget
        assert sum(line["realised"] for line in lines) == batch.realised_cost
        assert lines[0] == {"component": "honor_narasumber", "planned": 7_200_000, "realised": 7_200_000}
        assert all(line["realised"] >= 0 for line in lines) and len({line["component"] for line in lines}) == 9
