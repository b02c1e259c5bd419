"""The participants' evaluation of a batch: questionnaire templates, personal links, the public form and the results (issue 15)."""
from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
