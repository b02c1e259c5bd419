"""What shared/pdf's keep-together (breaks_page) does for the laporan pelaksanaan built on it: whatever the
length of the chapters before it, the closing chapter (kesimpulan dan saran) and the signatures share a page, so the
signature page never holds the signatures alone; read back with pdftotext page by page."""
from __future__ import annotations

import dataclasses

import pytest

from services.training.adapters import pdf_report
from tests.unit.training.report_samples import NIP, report
from tests.unit.training.test_documents import CO_SIGNER, page_count, text_of


def pages_of(content: bytes) -> list[str]:
    return [text_of(content, page=n) for n in range(1, page_count(content) + 1)]


# Five photographs: the signatures fell alone at the top of page 3; none: the same at the top of page 2.
@pytest.mark.parametrize("photos", [5, 0])
def test_the_signature_page_holds_the_closing_chapter_too(photos):
    content = pdf_report.report_pdf(dataclasses.replace(report(photos=photos), co_signer=CO_SIGNER))
    signed = next(page for page in pages_of(content) if f"NIP {NIP}" in page)
    assert "BAB III PENUTUP A. Kesimpulan dan Saran" in signed, signed
    assert CO_SIGNER.name in signed and "Mengetahui," in signed
