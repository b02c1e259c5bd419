"""The running service's view of the projection store: it reads and applies events in the live generation
and follows the pointer, so a finished rebuild is switched to without a restart and without a gap."""
from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from services.reporting.adapters.store import read_generation, store_url
from shared.db import create_engine, migrate, session_factory

log = logging.getLogger("sipelkop.reporting.store")

# Requests and consumer batches that began on the old generation finish there before its pool is closed.
RETIRE_AFTER_S = 30.0


class LiveStore:
    def __init__(self, runtime, *, migrations: Path, template: str = "", poll_s: float = 2.0,
                 on_switch=lambda generation: None):
        self.runtime = runtime
        self.on_switch = on_switch
        self.control_sessions = runtime.sessions  # bootstrap binds these to the configured database
        self.migrations = migrations
        self.template = template
        self.poll_s = poll_s
        self.generation = 0
        self._engine = None  # the engine of a generation >= 1
        self._retiring: set[asyncio.Task] = set()
        self._retired: list = []

    async def activate(self, generation: int) -> bool:
        """Point the runtime's sessions (HTTP reads and the consumer's writes) at `generation`."""
        if generation == self.generation and (generation == 0 or self._engine is not None):
            return False
        engine, sessions = None, self.control_sessions
        if generation:
            url = store_url(self.runtime.settings.database_url, generation, self.template)
            await migrate(self.migrations, url)
            engine = create_engine(url)
            sessions = session_factory(engine)
        old, self._engine = self._engine, engine
        self.runtime.sessions, self.generation = sessions, generation
        if old is not None:
            self._retired.append(old)
            task = asyncio.create_task(self._retire(old))
            self._retiring.add(task)
            task.add_done_callback(self._retiring.discard)
        self.on_switch(generation)
        log.info("projection store generation %d is live", generation)
        return True

    async def activate_current(self) -> int:
        await self.activate(await read_generation(self.control_sessions))
        return self.generation

    async def follow(self) -> None:
        """Poll the pointer; an error (database away) is logged and the next poll tries again."""
        while True:
            await asyncio.sleep(self.poll_s)
            try:
                await self.activate_current()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("could not check the projection store pointer: %s", exc)

    async def _retire(self, engine) -> None:
        await asyncio.sleep(RETIRE_AFTER_S)
        await engine.dispose()

    async def close(self) -> None:
        for task in list(self._retiring):
            task.cancel()
        for engine in [*self._retired, self._engine]:
            if engine is not None:
                await engine.dispose()
