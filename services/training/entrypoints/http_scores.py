"""Pre-test and post-test scores of a batch: the API and the pages that enter them (issue 15)."""
from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
