"""A batch's evaluation results as a workbook (openpyxl): summary, items per section, narasumber, comments, and
the pre/post-test results; a pure function from the results' read model, saved through xlsx.workbook_bytes (a
comment beginning with "=" stays text)."""
from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from services.training.adapters.xlsx import HEAD_FILL, workbook_bytes


def _head(sheet, *titles: str) -> None:
    sheet.append(list(titles))
    for cell in sheet[sheet.max_row]:
        cell.font, cell.fill = Font(bold=True), HEAD_FILL


def results_xlsx(read: dict) -> bytes:
    book = Workbook()
    summary = book.active
    summary.title = "Ringkasan"
    summary.append([f"Hasil evaluasi {read['batch_title']} ({read['batch_code']})"])
    summary["A1"].font = Font(bold=True, size=12)
    rate = read["response_rate"]
    summary.append(["Peserta yang menerima tautan", read["invited"]])
    summary.append(["Peserta yang mengisi", read["respondents"]])
    summary.append(["Tingkat pengisian (%)", None if rate is None else round(rate * 100, 1)])
    summary.append([])
    _head(summary, "Bagian", "Rata-rata (1–5)", "Jumlah jawaban")
    for section in read["sections"]:
        summary.append([section["title"], section["mean"], section["answers"]])
    summary.append(["Narasumber", read["narasumber_mean"], read["narasumber_answers"]])
    summary.append([])
    learning = read["scores"]
    _head(summary, "Nilai", "Rata-rata", "Peserta")
    summary.append(["Pre-test", learning["average_pre"], learning["with_pre"]])
    summary.append(["Post-test", learning["average_post"], learning["with_post"]])
    summary.append(["Kenaikan (post − pre)", learning["average_gain"], learning["with_both"]])
    share = learning["share_improved"]
    summary.append(["Peserta yang nilainya naik (%)", None if share is None else round(share * 100, 1),
                    learning["improved"]])
    summary.column_dimensions["A"].width = 34

    items = book.create_sheet("Butir")
    _head(items, "Bagian", "Kode", "Pertanyaan", "Rata-rata (1–5)", "Jumlah jawaban")
    for section in read["sections"]:
        for item in section["items"]:
            items.append([section["title"], item["code"], item["label"], item["mean"], item["answers"]])
    items.column_dimensions["C"].width = 60

    people = book.create_sheet("Narasumber")
    _head(people, "Kode", "Nama", "Kode butir", "Pertanyaan", "Rata-rata (1–5)", "Jumlah jawaban")
    for person in read["narasumber"]:
        people.append([person["code"], person["name"], "", "Seluruh butir", person["mean"], person["answers"]])
        for item in person["items"]:
            people.append([person["code"], person["name"], item["code"], item["label"], item["mean"],
                           item["answers"]])
    people.column_dimensions["B"].width = 32
    people.column_dimensions["D"].width = 50

    comments = book.create_sheet("Komentar")
    _head(comments, "No", "Komentar (tanpa nama)")
    for number, comment in enumerate(read["comments"], start=1):
        comments.append([number, comment])
        comments.cell(comments.max_row, 2).alignment = Alignment(wrap_text=True, vertical="top")
    comments.column_dimensions["B"].width = 100

    spread = book.create_sheet("Sebaran nilai")
    _head(spread, "Rentang", "Pre-test", "Post-test")
    for band, count in learning["pre_distribution"].items():
        spread.append([band, count, learning["post_distribution"].get(band, 0)])
    return workbook_bytes(book)
