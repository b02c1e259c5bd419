"""Registration's composition root: every dependency wired once, overridable by keyword for tests."""
from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from prometheus_client import CollectorRegistry

from services.registration.adapters import orm_invitations  # noqa: F401  (its tables join the metadata)
from services.registration.adapters.mail import SmtpMailer
from services.registration.adapters.orm import messaging
from services.registration.config import RegistrationSettings
from services.registration.entrypoints.consumers import HANDLERS
from services.registration.entrypoints import (http, http_enrollments, http_imports, http_invitations, http_planning,
                                              pages, pages_batches, pages_invitations, pages_planning)
from services.registration.service_layer import delivery
from shared.clock import business_today
from shared.http import create_app
from shared.runtime import ServiceRuntime, build_runtime
from shared.spreadsheets import with_sheet_worker

NAME = "registration"
MIGRATIONS = Path(__file__).parent / "migrations"
log = logging.getLogger("sipelkop.registration")


def bootstrap(settings: RegistrationSettings | None = None, *, registry: CollectorRegistry | None = None,
              handlers: dict | None = None) -> ServiceRuntime:
    return build_runtime(name=NAME, settings=settings or RegistrationSettings(), tables=messaging,
                         migrations=MIGRATIONS, handlers=HANDLERS if handlers is None else handlers, registry=registry)


def mailer_for(settings: RegistrationSettings) -> SmtpMailer | None:
    """None without SIPELKOP_SMTP_URL: e-mails wait as "belum terkirim" until it is set."""
    if not settings.smtp_url:
        return None
    return SmtpMailer(settings.smtp_url, settings.mail_from, timeout=settings.smtp_timeout_s)


async def run_message_job(runtime: ServiceRuntime, mailer) -> delivery.Round:
    """One round of the message job: queue the day-before reminders (WITA), send what is due (invitations to
    retry, reminders, certificate-ready messages queued by training's participant.completed). Safe to run any
    number of times and on several replicas: a reminder is a unique row before it is sent."""
    settings = runtime.settings
    async with runtime.uow() as uow:
        await delivery.queue_reminders(uow, today=business_today())
    return await delivery.deliver(runtime.uow, mailer, secret=settings.confirmation_key,
                                  base_url=settings.registration_url, verify_url=f"{settings.training_url}/verifikasi")


async def _message_loop(runtime: ServiceRuntime, mailer) -> None:
    while True:
        try:
            await run_message_job(runtime, mailer)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # the database away: the next round tries again, nothing is lost
            log.warning("message job round failed: %s", type(exc).__name__)
        await asyncio.sleep(runtime.settings.message_interval_s)


def create_registration_app(settings: RegistrationSettings | None = None, *, start_background: bool = True,
                            mailer=None, **kwargs) -> FastAPI:
    runtime = bootstrap(settings, **kwargs)
    app = create_app(runtime, start_background=start_background, title="SIPELKOP Registrasi",
                     description="Pendaftaran koperasi, pengurus dan peserta pelatihan oleh dinas kabupaten/kota.",
                     routers=[http.router, http_enrollments.router, http_imports.router, http_planning.router,
                              http_invitations.router, pages.router, pages_batches.router, pages_planning.router,
                              pages_invitations.router])
    app.state.mailer = mailer if mailer is not None else mailer_for(runtime.settings)
    shared_lifespan = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        # The message job (reminders, e-mail retries) runs in the service itself: no cron to set up.
        async with shared_lifespan(app):
            task = asyncio.create_task(_message_loop(runtime, app.state.mailer), name="registration-messages") \
                if start_background else None
            try:
                yield
            finally:
                if task:
                    task.cancel()
                    await asyncio.gather(task, return_exceptions=True)

    app.router.lifespan_context = with_sheet_worker(lifespan)  # imports are parsed in it, warm from the start
    return app
