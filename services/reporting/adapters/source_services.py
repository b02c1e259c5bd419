"""What registration and training report about themselves, read through their HTTP APIs (never their stores).

An endpoint a source does not have (404/405) yields None, so reconcile reports the check as not made
instead of failing: the services are deployed independently.
"""
from __future__ import annotations

import uuid
from datetime import timedelta

import httpx

from shared.auth import issue_token
from shared.regions import districts


class SourceServices:
    def __init__(self, *, registration_url: str, training_url: str, secret_key: str, transport=None):
        token = issue_token(secret_key, subject="reporting-reconcile", role="admin", ttl=timedelta(minutes=30))
        headers = {"Authorization": f"Bearer {token}"}
        self.registration = httpx.AsyncClient(base_url=registration_url, headers=headers, timeout=30,
                                              transport=transport)
        self.training = httpx.AsyncClient(base_url=training_url, headers=headers, timeout=30, transport=transport)

    async def _get(self, client: httpx.AsyncClient, path: str, **params):
        response = await client.get(path, params=params)
        if response.status_code in (404, 405):
            return None  # the route (or the entity) is not there: nothing to compare with
        response.raise_for_status()
        return response.json()

    async def training_batches(self) -> list[dict] | None:
        return await self._get(self.training, "/api/v1/batches")

    async def training_programmes(self) -> list[dict] | None:
        return await self._get(self.training, "/api/v1/programmes")

    async def roster_size(self, batch_id: uuid.UUID) -> int | None:
        roster = await self._get(self.training, f"/api/v1/batches/{batch_id}/roster")
        return None if roster is None else len(roster)

    async def completion(self, batch_id: uuid.UUID) -> dict | None:
        found = await self._get(self.training, f"/api/v1/batches/{batch_id}/completion")
        return None if found is None else {k: found.get(k) for k in ("decided", "completed", "not_completed")}

    async def registration_batches(self) -> list[dict] | None:
        return await self._get(self.registration, "/api/v1/batches")

    async def active_cooperatives_by_district(self) -> dict[str, int] | None:
        counts = {}
        for code in districts():
            page = await self._get(self.registration, "/api/v1/cooperatives", district=code, active="true",
                                   page_size=1)
            if page is None or "total" not in page:
                return None
            counts[code] = page["total"]
        return counts

    async def close(self) -> None:
        await self.registration.aclose()
        await self.training.aclose()
