"""The report bundle's API shapes (issue 16): evidence as listed, and the report's editable texts."""
from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field


class EvidenceRead(BaseModel):
    id: uuid.UUID
    batch_id: uuid.UUID
    kind: str = Field(description="foto | daftar_hadir | kuitansi | lainnya")
    kind_label: str
    caption: str
    filename: str
    media_type: str = Field(description="Dibaca dari isi berkas: image/jpeg, image/png atau application/pdf")
    size: int = Field(description="Byte, seperti disimpan (gambar disimpan ulang tanpa metadata)")
    sha256: str
    width: int | None = None
    height: int | None = None
    uploaded_at: datetime
    uploaded_by_name: str | None = None
    url: str
    thumbnail_url: str | None = None


class ReportTexts(BaseModel):
    background: str = Field(default="", max_length=10_000, description="Latar belakang")
    aims: str = Field(default="", max_length=10_000, description="Maksud dan tujuan")
    conclusions: str = Field(default="", max_length=10_000, description="Kesimpulan dan saran")
