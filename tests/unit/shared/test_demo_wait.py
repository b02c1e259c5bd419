"""The demo loader waits through a busy service: an error body while it waits for batches or a roster is "not yet",
never a crash of the loader (seen under load in the deployment drill: a 503's JSON read as the batch list)."""
import httpx

from shared import demo


def test_a_busy_services_error_answer_is_not_yet_and_the_wait_goes_on():
    answers = iter([httpx.Response(503, json={"detail": "Layanan sedang sibuk"}),
                    httpx.Response(200, json=[{"id": "a"}])])

    found = demo._wait(lambda: {b["id"] for b in demo._listed(next(answers))} >= {"a"}, "angkatan", timeout=5,
                       interval=0)

    assert found is True
