"""A running stack per test: three service processes, their PostgreSQL databases, the shared real broker."""
import pytest

from tests.fixtures.services import start_stack


@pytest.fixture
def stack(kafka, postgres, topic_prefix, tmp_path):
    urls = {name: postgres.new_database(name[:3]) for name in ("registration", "training", "reporting")}
    running = start_stack(kafka_bootstrap=kafka.bootstrap, database_urls=urls, topic_prefix=topic_prefix,
                          log_dir=tmp_path)
    yield running
    running.stop()
