"""A control character pasted into the report's texts (what the fuzzer sent through PUT .../report-texts) no longer
fails the laporan's DOCX (and so the bundle.zip) with a 500: Word's XML takes none, the writer drops it."""
from __future__ import annotations

import dataclasses
import io

from docx import Document

from services.training.adapters import docx_report
from tests.unit.training import report_samples


def test_control_characters_in_the_report_texts_are_dropped_and_the_rest_kept():
    sample = report_samples.report(photos=0)
    first = sample.chapters[0]
    pasted = dataclasses.replace(first.parts[0], paragraphs=("Koperasi\x01 memerlukan\x1f pengurus\x0b yang cakap.",))
    chapters = (dataclasses.replace(first, parts=(pasted, *first.parts[1:])), *sample.chapters[1:])
    content = docx_report.report_docx(dataclasses.replace(sample, chapters=chapters))
    paragraphs = [p.text for p in Document(io.BytesIO(content)).paragraphs]
    assert "Koperasi memerlukan pengurus yang cakap." in paragraphs
