"""One navigation across the four services: each person sees the pages their role may use, wherever they live."""
from __future__ import annotations

from dataclasses import dataclass

from shared.auth import Principal, Role
from shared.web.catalogue import NAV


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    current: bool = False


# (key, service, path, roles)
_LINKS = (
    ("cooperatives", "registration", "/koperasi", {Role.ADMIN, Role.DISTRICT_OFFICER}),
    ("participants", "registration", "/peserta", {Role.ADMIN, Role.DISTRICT_OFFICER}),
    ("enrolments", "registration", "/angkatan", {Role.ADMIN, Role.DISTRICT_OFFICER}),
    ("imports", "registration", "/impor", {Role.ADMIN, Role.DISTRICT_OFFICER}),
    ("planning", "registration", "/perencanaan", {Role.ADMIN, Role.DISTRICT_OFFICER, Role.TRAINING_STAFF}),
    ("certificates", "training", "/sertifikat", {Role.DISTRICT_OFFICER}),
    ("console", "training", "/konsol", {Role.ADMIN, Role.TRAINING_STAFF}),
    ("trainer", "training", "/pelatih", {Role.TRAINER, Role.TRAINING_STAFF, Role.ADMIN}),
    ("dashboard", "reporting", "/dasbor", {Role.ADMIN, Role.TRAINING_STAFF, Role.VIEWER, Role.DISTRICT_OFFICER,
                                             Role.TRAINER}),
    ("accounts", "identity", "/akun", {Role.ADMIN}),
    ("audit", "registration", "/audit", {Role.ADMIN}),
    ("audit_training", "training", "/konsol/audit", {Role.ADMIN}),
)


def service_urls(settings) -> dict[str, str]:
    return {"identity": settings.identity_url, "registration": settings.registration_url,
            "training": settings.training_url, "reporting": settings.reporting_url}


def links_for(principal: Principal | None, settings, here_service: str = "", here_path: str = "") -> list[Link]:
    return _links(principal.role, settings, here_service, here_path) if principal else []


def _links(role: Role, settings, here_service: str = "", here_path: str = "") -> list[Link]:
    urls = service_urls(settings)
    out = []
    for key, service, path, roles in _LINKS:
        if role in roles:
            current = service == here_service and (here_path == path or here_path.startswith(path + "/"))
            out.append(Link(NAV.get(key, key), urls[service] + path, current))
    return out


def home_for(role: Role, settings) -> str | None:
    """Where a person's day starts: the first page of their role's navigation (None: a role without pages)."""
    links = _links(role, settings)
    return links[0].url if links else None


def home_url(principal: Principal | None, settings) -> str:
    """The first page of the signed-in person; without a session (or pages), the sign-in page."""
    return (home_for(principal.role, settings) if principal else None) or f"{settings.identity_url}/masuk"
