"""What registration and training report about themselves, read through their HTTP APIs (never their stores).

An endpoint a source does not have (404/405) yields None, so reconcile reports the check as not made
instead of failing: the services are deployed independently.
"""
from __future__ import annotations

import uuid

from authlib.integrations.httpx_client import AsyncOAuth2Client

from shared.regions import districts


class SourceServices:
    """Calls as reporting's service account (role reconciler: reads only), with an access token that identity
    issues for its client credentials; Authlib fetches it and fetches a new one before it expires."""

    def __init__(self, *, registration_url: str, training_url: str, token_url: str, client_id: str,
                 client_secret: str, transport=None):
        def client(base_url: str) -> AsyncOAuth2Client:
            return AsyncOAuth2Client(client_id=client_id, client_secret=client_secret, base_url=base_url,
                                     token_endpoint=token_url, grant_type="client_credentials",
                                     token_endpoint_auth_method="client_secret_post", timeout=30,
                                     transport=transport, leeway=60)
        self.registration = client(registration_url)
        self.training = client(training_url)

    async def _authorise(self, client: AsyncOAuth2Client) -> None:
        if not client.token or client.token.is_expired(leeway=60):
            await client.fetch_token()

    async def _get(self, client: AsyncOAuth2Client, path: str, **params):
        await self._authorise(client)
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
