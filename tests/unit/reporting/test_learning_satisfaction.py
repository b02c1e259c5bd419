"""Learning and satisfaction from training's ScoresRecorded and EvaluationSummarised: figures equal a hand
computation, a newer sheet replaces an older one whole, older and duplicate events change nothing, a narasumber
is named only by the newest summary's consent, a malformed event is parked and never applied."""
import json
import uuid
from datetime import UTC, datetime

from bench.synthetic import programme, seed_batch
from shared.events import evaluation as ev

AT = datetime(2023, 7, 7, 9, tzinfo=UTC)


def record_scores(log, batch_id, scores: dict, version: int):
    """`scores`: {participant_id: (pre, post)}; None where not taken."""
    log.emit(ev.ScoresRecorded(batch_id=batch_id, recorded_at=AT, scores=[
        ev.ParticipantScore(participant_id=p, pre_test=pre, post_test=post) for p, (pre, post) in scores.items()]),
        batch_id, version, source="/sipelkop/training")


def item(section, code, mean, answers):
    return ev.ItemResult(section=section, item=code, label=f"Pertanyaan {code}", mean=mean, answers=answers)


def person(narasumber_id, code, mean, answers, name=None):
    return ev.NarasumberResult(narasumber_id=narasumber_id, code=code, display_name=name, mean=mean,
                               answers=answers, items=[item("narasumber", "N1", mean, answers)])


def summarise(log, batch_id, *, respondents, invited, items, narasumber, version, at=AT):
    log.emit(ev.EvaluationSummarised(batch_id=batch_id, respondents=respondents, invited=invited, items=items,
                                     narasumber=narasumber, summarised_at=at), batch_id, version,
             source="/sipelkop/training")


RINA, BUDI = uuid.uuid4(), uuid.uuid4()


def scenario(log) -> tuple[dict, dict]:
    """Batch A: four participants (64.02 ×2, 64.08 ×2); batch B: two from Samarinda (64.72)."""
    pid = programme(log)
    a = seed_batch(log, programme_id=pid, districts={"64.02": 2, "64.08": 2}, absent_last_day=0)
    b = seed_batch(log, programme_id=pid, code="DIG-2023-02", districts={"64.72": 2}, absent_last_day=0)
    pa, pb = [p["participant"] for p in a["people"]], [p["participant"] for p in b["people"]]
    gone = uuid.uuid4()
    record_scores(log, a["batch_id"], {pa[0]: (10, 20), pa[2]: (50, 100), gone: (0, 100)}, 1)
    record_scores(log, a["batch_id"], {pa[0]: (40, 70), pa[1]: (60, 55), pa[2]: (50, None), pa[3]: (None, 80)}, 2)
    record_scores(log, b["batch_id"], {pb[0]: (70, 90), pb[1]: (80, 80)}, 1)
    summarise(log, a["batch_id"], respondents=5, invited=28, items=[item("penyelenggaraan", "P1", 1, 5)],
              narasumber=[], version=1)
    summarise(log, a["batch_id"], respondents=20, invited=28, version=2,
              items=[item("penyelenggaraan", "P1", 4.0, 20), item("penyelenggaraan", "P2", 3.0, 10),
                     item("sarana", "S1", 4.5, 20)],
              narasumber=[person(RINA, "NS-01", 4.2, 20, "Dr. Rina Kartika"), person(BUDI, "NS-02", 3.8, 10)])
    # Batch B, summarised later: Rina no longer agrees to be named.
    summarise(log, b["batch_id"], respondents=2, invited=2, version=1, at=datetime(2023, 8, 1, tzinfo=UTC),
              items=[item("materi", "M1", 5.0, 2)], narasumber=[person(RINA, "NS-01", 3.0, 10)])
    return a, b


async def get(viewer, name, **params):
    answer = await viewer.get(f"/api/v1/reports/{name}", params={"fiscal_year": 2023, **params})
    assert answer.status_code == 200, answer.text
    return answer.json()


async def test_learning_equals_a_hand_computation(log, feed, viewer):
    a, b = scenario(log)
    records = log.records[:]
    await feed(records + records[-6:-3][::-1])  # and the older sheets again, last: they change nothing
    body = await get(viewer, "learning")
    # pre 40 60 50 70 80; post 70 55 80 90 80; gains (both) 30, -5, 20, 0.
    assert (body["average_pre"], body["average_post"], body["average_gain"]) == (60.0, 75.0, 11.25)
    assert (body["participants_with_both"], body["participants_improved"], body["improved_share"]) == (4, 2, 0.5)
    assert body["batches_scored"] == 2
    rows = {r["code"]: r for r in body["batches"]}
    assert (rows["DIG-2023-01"]["average_pre"], rows["DIG-2023-01"]["average_post"]) == (50.0, 68.33)
    assert (rows["DIG-2023-01"]["average_gain"], rows["DIG-2023-01"]["participants_with_pre"]) == (12.5, 3)
    assert (rows["DIG-2023-02"]["average_gain"], rows["DIG-2023-02"]["improved_share"]) == (10.0, 0.5)
    districts = {r["key"]: r for r in body["districts"]}
    assert len(districts) == 10 and districts["64.02"]["label"] == "Kabupaten Kutai Kartanegara"
    assert (districts["64.02"]["average_gain"], districts["64.02"]["improved_share"]) == (12.5, 0.5)
    assert (districts["64.08"]["average_pre"], districts["64.08"]["average_post"],
            districts["64.08"]["average_gain"]) == (50.0, 80.0, None)  # nobody there has both
    assert districts["64.72"]["average_gain"] == 10.0 and districts["64.01"]["participants_with_pre"] == 0
    sectors = {r["key"]: r for r in body["sectors"]}  # the seed's sectors cycle per batch
    assert sectors["pertanian"]["average_gain"] == (30 + 20) / 2 and sectors["perikanan"]["average_gain"] == -2.5
    assert body["programmes"][0]["label"] == "Pelatihan Koperasi DAK 2023"
    assert body["programmes"][0]["average_gain"] == 11.25
    summary = await get(viewer, "summary")
    assert (summary["average_gain"], summary["improved_share"]) == (11.25, 0.5)
    assert (await get(viewer, "learning", fiscal_year=2022))["average_gain"] is None


async def test_learning_one_event_at_a_time_gives_the_same_figures(log, feed, viewer):
    scenario(log)
    records = log.records[:]
    older = records.pop(-6)  # batch A's first sheet, delivered after its newer one
    for record in records + [older]:  # batches of one: nothing collapses before the store compares versions
        await feed([record])
    body = await get(viewer, "learning")
    assert (body["average_gain"], body["participants_with_pre"], body["improved_share"]) == (11.25, 5, 0.5)


async def test_satisfaction_equals_a_hand_computation(log, feed, viewer):
    scenario(log)
    await feed(log.records)
    await feed([r for r in log.records if b"evaluation.summarised" in r.value][:1])  # the older summary again
    body = await get(viewer, "satisfaction")
    rows = {r["code"]: r for r in body["batches"]}
    first = rows["DIG-2023-01"]
    assert (first["respondents"], first["invited"], first["response_rate"]) == (20, 28, 0.7143)
    # (4.0×20 + 3.0×10) ÷ 30; 4.5; none; (4.2×20 + 3.8×10) ÷ 30
    assert (first["mean_penyelenggaraan"], first["mean_sarana"], first["mean_materi"],
            first["mean_narasumber"]) == (3.67, 4.5, None, 4.07)
    assert rows["DIG-2023-02"]["mean_materi"] == 5.0 and rows["DIG-2023-02"]["response_rate"] == 1.0
    assert (body["respondents"], body["invited"], body["response_rate"]) == (22, 30, 0.7333)
    people = {p["narasumber_id"]: p for p in body["narasumber"]}
    # Rina: (4.2×20 + 3.0×10) ÷ 30 over two batches, by code only since the newest summary has no name.
    assert people[str(RINA)] == {"narasumber_id": str(RINA), "code": "NS-01", "display_name": None,
                                 "label": "NS-01", "mean": 3.8, "answers": 30, "batches": 2}
    assert (people[str(BUDI)]["label"], people[str(BUDI)]["mean"]) == ("NS-02", 3.8)
    assert "Rina" not in json.dumps(body)


async def test_a_named_narasumber_shows_by_name(log, feed, viewer):
    pid = programme(log)
    a = seed_batch(log, programme_id=pid, districts={"64.02": 2}, absent_last_day=0)
    summarise(log, a["batch_id"], respondents=2, invited=2, version=1, items=[],
              narasumber=[person(RINA, "NS-01", 4.5, 2, "Dr. Rina Kartika")])
    await feed(log.records)
    body = await get(viewer, "satisfaction")
    assert body["narasumber"][0]["label"] == "Dr. Rina Kartika" and body["mean_narasumber"] == 4.5


async def test_a_malformed_score_sheet_is_parked_and_never_applied(log, feed, viewer, runtime):
    pid = programme(log)
    a = seed_batch(log, programme_id=pid, districts={"64.02": 2}, absent_last_day=0)
    people = [p["participant"] for p in a["people"]]
    record_scores(log, a["batch_id"], {people[0]: (40, 70)}, 1)
    bad = log.emit(ev.ScoresRecorded.model_construct(batch_id=a["batch_id"], recorded_at=AT, scores=[
        ev.ParticipantScore.model_construct(participant_id=people[1], pre_test=150.0, post_test=None)]),
        a["batch_id"], 2)
    doc = json.loads(bad.value)
    assert doc["data"]["scores"][0]["pre_test"] == 150.0
    await feed(log.records)
    assert runtime.consumer.metrics.parked._value.get() == 1
    body = await get(viewer, "learning")
    assert (body["participants_with_pre"], body["average_gain"]) == (1, 30.0)
