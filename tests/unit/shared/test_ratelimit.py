from shared.ratelimit import SlidingWindow


def test_attempts_past_the_limit_wait_until_the_window_moves_on():
    now = [0.0]
    window = SlidingWindow(limit=3, window_s=60, clock=lambda: now[0])
    assert [window.hit("10.0.0.1") for _ in range(3)] == [None, None, None]
    assert window.hit("10.0.0.1") == 60
    assert window.hit("10.0.0.2") is None  # another client is not punished
    now[0] = 61
    assert window.hit("10.0.0.1") is None
