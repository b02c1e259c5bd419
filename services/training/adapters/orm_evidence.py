"""The report bundle's own tables (issue 16): a batch's evidence (photographs and scans, the files themselves in the
evidence store) and the report's editable texts (latar belakang, maksud dan tujuan, kesimpulan dan saran)."""
from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from services.training.adapters.orm import Base


class Evidence(Base):
    """One uploaded file: what it is, its caption, and where the store keeps it (and its thumbnail)."""

    __tablename__ = "batch_evidence"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    batch_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("batches.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # foto | daftar_hadir | kuitansi | lainnya
    caption: Mapped[str] = mapped_column(String(500))
    filename: Mapped[str] = mapped_column(String(200))  # as uploaded, for the person who sees it again
    media_type: Mapped[str] = mapped_column(String(40))  # from the content: image/jpeg | image/png | application/pdf
    size: Mapped[int] = mapped_column(BigInteger)  # bytes as stored (after re-encoding)
    sha256: Mapped[str] = mapped_column(String(64))
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    storage_key: Mapped[str] = mapped_column(String(200))
    thumbnail_key: Mapped[str | None] = mapped_column(String(200))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    uploaded_by: Mapped[str] = mapped_column(String(120))
    uploaded_by_name: Mapped[str | None] = mapped_column(String(200))


class ReportText(Base):
    """The parts of a batch's laporan pelaksanaan that people write; the rest is read from the batch."""

    __tablename__ = "batch_report_texts"

    batch_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("batches.id"), primary_key=True)
    background: Mapped[str] = mapped_column(Text, default="")
    aims: Mapped[str] = mapped_column(Text, default="")
    conclusions: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_by: Mapped[str] = mapped_column(String(120))
