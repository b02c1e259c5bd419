"""The fault steps of `make test-deploy`: traffic through the front door while a part of the stack is away, and
what it showed (deploy/podman/test_deploy.py runs them on the one stack it brought up).

`Load` is the province at work: round after round, a district officer registers a new manager and enrols them in
a planned batch (registration), training's staff plans a programme (training, an event through its outbox), and
one read at identity and at reporting. Every answer is kept with its time, so a step can say how long a service
gave no good answer (its stall), how many requests it refused and how, and which enrolments it accepted; `Tally`
then checks that every accepted enrolment is held by registration and counted once by reporting.
"""
from __future__ import annotations

import itertools
import re
import threading
import time
from dataclasses import dataclass, field

import httpx

from shared import demo, demo_data


@dataclass(frozen=True)
class Answer:
    service: str
    started: float
    ended: float
    status: int | None  # None: no answer at all (connection refused or reset, timeout)
    retry_after: str | None = None
    created_id: str | None = None

    @property
    def ok(self) -> bool:
        return self.status is not None and self.status < 400


@dataclass
class Figures:
    """What one service showed over one step."""
    answered: int
    refused: int
    refusals: dict[str, int]  # "503+Retry-After" / "502" / "no answer" -> count
    stall: float  # the longest time without a good answer, seconds

    def line(self) -> str:
        how = ", ".join(f"{n} {kind}" for kind, n in sorted(self.refusals.items())) or "none"
        return f"{self.answered} answered, {self.refused} refused ({how}), longest stall {self.stall:.1f} s"


class Load(threading.Thread):
    """Front-door traffic in a thread of its own: paused when started, resume() and pause() between steps, stop()
    at the end; answers() and accepted() read what came back."""

    def __init__(self, api, *, batch_id: str, cooperatives: dict[str, str], numbers: itertools.count,
                 fiscal_year: int, interval: float = 0.2):
        super().__init__(daemon=True, name="front-door-load")
        self.batch_id, self.cooperatives, self.numbers = batch_id, cooperatives, numbers
        self.fiscal_year, self.interval = fiscal_year, interval
        # Clients of its own (this thread's only), in the names of the same accounts.
        self.api = demo.Api(api.urls, api.sign)
        self.api.account_ids = dict(api.account_ids)
        self.officers = {d: self.api.as_("registration", demo_data.OFFICERS[d].username) for d in cooperatives}
        self.staff = self.api.as_("training", "staf.pelatihan")
        self.viewer = self.api.as_("reporting", "kementerian")
        self.identity_admin = httpx.Client(base_url=api.urls["identity"], timeout=30, headers={
            "Authorization": f"Bearer {api.sign(role='admin', subject='drill-admin', name='Latihan gangguan')}"})
        self._answers: list[Answer] = []
        self._answers_lock = threading.Lock()
        self._stopping = threading.Event()
        self._running = threading.Event()  # set: rounds go on; cleared: the loop waits
        self._idle = threading.Event()  # set while the loop waits, so pause() returns between rounds

    # --- what came back ---------------------------------------------------------------------------------------
    def answers(self, since: float = 0.0, until: float | None = None) -> list[Answer]:
        with self._answers_lock:
            return [a for a in self._answers if a.started >= since and (until is None or a.started <= until)]

    def accepted(self, since: float = 0.0, until: float | None = None) -> list[str]:
        """Ids of the enrolments registration accepted (201) in the window."""
        return [a.created_id for a in self.answers(since, until) if a.service == "registration" and a.created_id]

    def good_answers(self, service: str, since: float) -> int:
        return sum(a.ok for a in self.answers(since) if a.service == service)

    def figures(self, service: str, since: float, until: float) -> Figures:
        mine = [a for a in self.answers(since, until) if a.service == service]
        refusals: dict[str, int] = {}
        for a in mine:
            if not a.ok:
                kind = ("no answer" if a.status is None else
                        f"{a.status}+Retry-After" if a.retry_after else str(a.status))
                refusals[kind] = refusals.get(kind, 0) + 1
        # The stall: from the window's start (or a good answer) to the next good answer, or to the window's end.
        stall, last = 0.0, since
        for a in sorted((a for a in mine if a.ok), key=lambda a: a.ended):
            stall, last = max(stall, a.ended - last), a.ended
        stall = max(stall, until - last)
        return Figures(answered=sum(a.ok for a in mine), refused=sum(not a.ok for a in mine), refusals=refusals,
                       stall=stall)

    # --- the traffic ------------------------------------------------------------------------------------------
    def resume(self) -> None:
        self._idle.clear()
        self._running.set()

    def pause(self) -> None:
        """Returns once the round under way has finished: every request sent has its answer kept."""
        self._running.clear()
        self._idle.wait(timeout=120)

    def stop(self) -> None:
        self._stopping.set()
        self._running.set()
        self.join(timeout=120)
        self.identity_admin.close()
        self.api.close()

    def run(self) -> None:
        districts = itertools.cycle(sorted(self.cooperatives))
        while not self._stopping.is_set():
            if not self._running.is_set():
                self._idle.set()
                self._running.wait()
                continue
            district = next(districts)
            self._enrol(district, next(self.numbers))
            self._call("training", lambda: self.staff.post("/api/v1/programmes", json=self._programme()))
            self._call("identity", lambda: self.identity_admin.get("/api/v1/accounts"))
            self._call("reporting", lambda: self.viewer.get("/api/v1/reports/summary",
                                                            params={"fiscal_year": self.fiscal_year}))
            self._stopping.wait(self.interval)

    def _enrol(self, district: str, n: int) -> None:
        client = self.officers[district]
        person = self._call("registration", lambda: client.post("/api/v1/participants", json=self._person(district, n)),
                            keep_id=False)
        if person is None:
            return
        self._call("registration", lambda: client.post("/api/v1/enrollments", json={
            "batch_id": self.batch_id, "participant_id": person}), keep_id=True)

    def _call(self, service: str, send, keep_id: bool = False) -> str | None:
        started = time.monotonic()
        status = retry_after = created = None
        try:
            answer = send()
            status, retry_after = answer.status_code, answer.headers.get("retry-after")
            if answer.status_code == 201:
                created = answer.json().get("id")
        except httpx.HTTPError:
            pass
        with self._answers_lock:
            self._answers.append(Answer(service, started, time.monotonic(), status, retry_after,
                                        created if keep_id else None))
        return created

    def _person(self, district: str, n: int) -> dict:
        # A NIK as the demo's: the district's digits, kecamatan, birth day (+40 for women), month, year, number.
        return {"nik": f"{district.replace('.', '')}01{1 + n % 28:02d}07{80 + n % 20:02d}{1 + n % 9999:04d}",
                "full_name": f"Peserta Latihan {_spelled(n)}", "position": "anggota",
                "phone": f"0812-{7000 + n % 3000:04d}-{1000 + n % 9000:04d}",
                "cooperative_id": self.cooperatives[district]}

    def _programme(self) -> dict:
        n = next(self.numbers)
        # A programme of a later year: the scenario's year and its report stay as they are.
        return {"name": f"Program latihan gangguan {n}", "fiscal_year": 2099, "funding_source": "APBD",
                "allocation": 1_000_000, "target_cooperatives": 1}


def _spelled(n: int) -> str:
    """A name part from a number, letters only (names take no digits)."""
    letters = "ABCDEFGHJKLMNPRSTUWY"
    word = ""
    while True:
        n, r = divmod(n, len(letters))
        word = letters[r] + word
        if not n:
            return word.capitalize()


@dataclass
class Tally:
    """Registration's enrolments in the drill's batch and reporting's count of the year's enrolments (enrolled
    plus waitlisted), taken before the faults: every enrolment accepted later must be held by registration and
    counted by reporting exactly once."""
    api: object
    batch_id: str
    fiscal_year: int
    registration_before: int = 0
    reporting_before: int = 0
    seen: set[str] = field(default_factory=set)

    def registration_ids(self) -> set[str]:
        admin = self.api.as_("registration", "admin.uptd")
        answer = admin.get("/api/v1/enrollments", params={"batch_id": self.batch_id})
        answer.raise_for_status()
        return {e["id"] for e in answer.json() if e["status"] in ("enrolled", "waitlisted")}

    def reporting_count(self) -> int | None:
        answer = self.api.as_("reporting", "kementerian").get("/api/v1/reports/summary",
                                                               params={"fiscal_year": self.fiscal_year})
        if answer.status_code != 200:
            return None
        summary = answer.json()
        return summary["participants_enrolled"] + summary["participants_waitlisted"]

    def start(self) -> None:
        self.seen = self.registration_ids()
        self.registration_before, self.reporting_before = len(self.seen), self.reporting_count()

    def reporting_has(self, registered: int) -> bool:
        """Reporting counts exactly registration's new enrolments (a repeat would count twice)."""
        count = self.reporting_count()
        return count is not None and count - self.reporting_before == registered - self.registration_before


def metric(text: str, name: str, **labels: str) -> float:
    """One sample of a Prometheus text exposition (0 when absent)."""
    wanted = ",".join(f'{k}="{v}"' for k, v in labels.items())
    for line in text.splitlines():
        match = re.match(rf"^{re.escape(name)}(?:\{{([^}}]*)\}})? (\S+)$", line)
        if match and all(part in (match.group(1) or "") for part in wanted.split(",") if part):
            return float(match.group(2))
    return 0.0
