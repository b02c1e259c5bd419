"""FastAPI dependency aliases for registration's routes."""
from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from shared.auth import Principal, Role, require
from shared.deps import UowDep  # noqa: F401  (re-exported for the routes)

Registrar = Annotated[Principal, Depends(require(Role.ADMIN, Role.DISTRICT_OFFICER))]
Reader = Annotated[Principal, Depends(require(Role.ADMIN, Role.DISTRICT_OFFICER, Role.TRAINER, Role.RECONCILER))]
# Lists of cooperatives: officers (their district), the admin, and reporting's reconciliation (counts, read-only).
RegistryReader = Annotated[Principal, Depends(require(Role.ADMIN, Role.DISTRICT_OFFICER, Role.RECONCILER))]
# Day-one substitution: the UPTD's training staff too (officers only before the batch starts; the rule is in domain/).
Substituter = Annotated[Principal, Depends(require(Role.ADMIN, Role.TRAINING_STAFF, Role.DISTRICT_OFFICER))]
# The planning list: officers (their district), the UPTD's training staff and admins (any district).
Planner = Annotated[Principal, Depends(require(Role.ADMIN, Role.TRAINING_STAFF, Role.DISTRICT_OFFICER))]
Admin = Annotated[Principal, Depends(require(Role.ADMIN))]
# Invitations and confirmations of a batch: the district officer (own district's participants), the UPTD's training
# staff and admins (everyone in the batch).
Inviter = Annotated[Principal, Depends(require(Role.ADMIN, Role.TRAINING_STAFF, Role.DISTRICT_OFFICER))]
