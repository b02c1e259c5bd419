"""E-mail over SMTP (SIPELKOP_SMTP_URL): the standard library's smtplib, run in a worker thread so the event loop
never waits on a mail server; one connection for a round of messages."""
from __future__ import annotations

import asyncio
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from urllib.parse import unquote, urlsplit


@dataclass(frozen=True)
class Outbound:
    to: str
    to_name: str
    subject: str
    body: str


class SmtpMailer:
    def __init__(self, url: str, sender: str, *, timeout: float = 10.0):
        parts = urlsplit(url)
        self.tls = parts.scheme == "smtps"
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or (465 if self.tls else 25)
        self.username = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.sender, self.timeout = sender, timeout

    async def send_all(self, messages: list[Outbound]) -> list[str | None]:
        """Each message's outcome in order: None when the server took it, else why not (in Bahasa, short)."""
        if not messages:
            return []
        return await asyncio.to_thread(self._send_all, messages)

    def _send_all(self, messages: list[Outbound]) -> list[str | None]:
        try:
            client = self._connect()
        except (OSError, smtplib.SMTPException) as exc:
            return [f"server SMTP tidak dapat dihubungi: {type(exc).__name__}"[:300]] * len(messages)
        outcomes: list[str | None] = []
        with client:
            for message in messages:
                try:
                    client.send_message(self._message(message))
                    outcomes.append(None)
                except smtplib.SMTPServerDisconnected as exc:
                    left = len(messages) - len(outcomes)
                    outcomes += [f"sambungan SMTP terputus: {exc}"[:300]] * left
                    break
                except (OSError, smtplib.SMTPException) as exc:
                    outcomes.append(f"ditolak server SMTP: {exc}"[:300])
        return outcomes

    def _connect(self) -> smtplib.SMTP:
        if self.tls:
            client = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout,
                                      context=ssl.create_default_context())
        else:
            client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            client.ehlo()
            if client.has_extn("starttls"):
                client.starttls(context=ssl.create_default_context())
                client.ehlo()
        if self.username:
            client.login(self.username, self.password or "")
        return client

    def _message(self, outbound: Outbound) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = formataddr((outbound.to_name, outbound.to))
        message["Subject"] = outbound.subject
        message["Message-ID"] = make_msgid(domain="sipelkop")
        message.set_content(outbound.body)
        return message
