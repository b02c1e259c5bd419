"""Each readiness check is a gauge (a database outage shows while the process still answers /metrics), parked
dead letters are counted, and a Kafka that is away leaves the lag gauges as they were instead of failing."""
from prometheus_client import generate_latest
from sqlalchemy.ext.asyncio import create_async_engine

from shared.messaging.dead_letters import ReplayRecord
from shared.messaging.gauges import OperationalGauges


def exported(rt) -> str:
    return generate_latest(rt.registry).decode()


async def test_readiness_per_check_and_parked_dead_letters(runtime):
    gauges = OperationalGauges.of(runtime)
    assert OperationalGauges.of(runtime) is gauges  # one set per registry
    await runtime.consumer.handle_records([ReplayRecord("sipelkop.training.batch", 0, 7, b"k", b"{oops")])
    await gauges.refresh(runtime)
    text = exported(runtime)
    assert 'sipelkop_ready_check{check="database",service="registration"} 1.0' in text
    assert 'sipelkop_ready_check{check="kafka",service="registration"} 0.0' in text
    assert 'sipelkop_dead_letters_parked{service="registration"} 1.0' in text


async def test_a_database_outage_shows_as_a_failed_check(runtime, tmp_path):
    gauges = OperationalGauges.of(runtime)
    good = runtime.engine
    runtime.engine = create_async_engine(f"sqlite+aiosqlite:///{tmp_path}")  # a folder: cannot be opened
    try:
        await gauges.refresh(runtime)
    finally:
        await runtime.engine.dispose()
        runtime.engine = good
    assert 'sipelkop_ready_check{check="database",service="registration"} 0.0' in exported(runtime)
    await gauges.refresh(runtime)
    assert 'sipelkop_ready_check{check="database",service="registration"} 1.0' in exported(runtime)
