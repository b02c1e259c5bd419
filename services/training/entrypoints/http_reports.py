"""The batch's report bundle: evidence, laporan pelaksanaan, daftar nominatif and bundle.zip (issue 16)."""
from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
