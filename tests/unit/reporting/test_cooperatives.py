"""GET /api/v1/reports/cooperatives: registered cooperatives per kabupaten/kota, active and inactive, members by
sex, ODS grade, trained in the year and active not yet trained; a cooperative's newest state counts."""
import uuid

from bench.synthetic import programme, seed_batch
from shared.events import registration as r


def cooperative(log, district, *, active=True, grade=None, men=10, women=5, version=1, cooperative_id=None):
    coop = cooperative_id or uuid.uuid4()
    log.emit(r.CooperativeUpdated(cooperative_id=coop, name="Koperasi Nama Rahasia", registration_number="6499",
                                  district_code=district, kind="produsen", sector="pertanian", active=active,
                                  grade=grade, members_male=men, members_female=women), coop, version)
    return coop


async def test_indicators_per_district_equal_a_hand_count(log, feed, viewer):
    pid = programme(log)
    seed_batch(log, programme_id=pid, districts={"64.02": 3}, absent_last_day=1)  # 2 of 3 cooperatives trained
    cooperative(log, "64.02", grade="A")
    changed = cooperative(log, "64.02", grade="B")
    cooperative(log, "64.02", active=False, grade="D", men=2, women=2, version=2, cooperative_id=changed)
    cooperative(log, "64.02", active=True, grade="A", version=1, cooperative_id=changed)  # older: ignored
    cooperative(log, "64.72", active=False, grade="C2", men=0, women=7)
    await feed(log.records)
    answer = await viewer.get("/api/v1/reports/cooperatives", params={"fiscal_year": 2023})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    rows = {row["key"]: row for row in body["rows"]}
    kukar = rows["64.02"]
    # Seed: 3 active, no grade, 20 men and 15 women each; plus grade A (10/5) and the now inactive D (2/2).
    assert (kukar["registered"], kukar["active"], kukar["inactive"]) == (5, 4, 1)
    assert (kukar["members_men"], kukar["members_women"], kukar["members_total"]) == (72, 52, 124)
    assert (kukar["grade_a"], kukar["grade_b"], kukar["grade_d"], kukar["grade_none"]) == (1, 0, 1, 3)
    assert (kukar["trained"], kukar["active_not_trained"]) == (2, 2)
    assert (rows["64.72"]["inactive"], rows["64.72"]["grade_c2"], rows["64.72"]["members_women"]) == (1, 1, 7)
    assert len(rows) == 10 and rows["64.01"]["registered"] == 0
    assert (body["registered"], body["active"], body["active_share"]) == (6, 4, 0.6667)
    assert "RAT" in body["rat_note"] and "Nama Rahasia" not in answer.text
    # Another year: same registered cooperatives, none trained in it.
    other = (await viewer.get("/api/v1/reports/cooperatives", params={"fiscal_year": 2022})).json()
    assert other["registered"] == 6 and other["trained"] == 0 and other["active_not_trained"] == 4
