"""Training's audit trail in words: what the admin reads says who changed what in Bahasa, names instead of ids,
and never a NIK, NPWP or bank account (the trail itself keeps only that they changed)."""
import re
import uuid
from datetime import date, time

import pytest

from services.training.service_layer import audit
from services.training.service_layer.audit_wording import Names, describe

BATCH, PROGRAMME, OTHER_PROGRAMME = (str(uuid.uuid4()) for _ in range(3))
TRAINER, OFFICIAL, PARTICIPANT = (str(uuid.uuid4()) for _ in range(3))
NAMES = Names(programmes={PROGRAMME: "Peningkatan Kapasitas SDM Koperasi 2023"}, batches={BATCH: "DIG-2023-01"},
              trainers={TRAINER: "Dr. Andi Pratama, M.M."}, officials={OFFICIAL: "Dr. H. Muhammad Zaini, S.E., M.Si."},
              participants={PARTICIPANT: "Siti Aminah"},
              certificates={"UPTD-KUKM/2023/0001": "Budi Santoso"})
NIK, NPWP, ACCOUNT = "6472011503700001", "0912345678901234", "1234567890"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-")
PYTHON = re.compile(r"None|True|False|datetime|UUID|[\[\]{}]|\b(created|updated|deleted|revoked|batch|session)\b")


def sentence(action, entity, entity_id, changes=None, note=None, participant_id=None):
    text = describe(action, entity, entity_id, changes, note, NAMES, participant_id)
    assert not UUID.search(text) and not PYTHON.search(text), text
    return text


def test_a_change_of_one_field_reads_as_one_sentence():
    assert (sentence("updated", "batch", BATCH, audit.diff({"capacity": 30}, {"capacity": 32}))
            == "mengubah kapasitas angkatan DIG-2023-01 dari 30 menjadi 32")


def test_several_changes_name_the_programme_official_and_money_in_words():
    changes = audit.diff({"programme_id": uuid.UUID(OTHER_PROGRAMME), "signing_official_id": None,
                          "planned_budget": 60_000_000, "start_date": date(2023, 7, 4)},
                         {"programme_id": uuid.UUID(PROGRAMME), "signing_official_id": uuid.UUID(OFFICIAL),
                          "planned_budget": 75_000_000, "start_date": date(2023, 7, 5)})
    assert sentence("updated", "batch", BATCH, changes) == (
        "mengubah angkatan DIG-2023-01: program dari program lain menjadi Peningkatan Kapasitas SDM Koperasi 2023; "
        "penanda tangan dari (kosong) menjadi Dr. H. Muhammad Zaini, S.E., M.Si.; anggaran rencana dari "
        "Rp 60.000.000 menjadi Rp 75.000.000; tanggal mulai dari 4 Juli 2023 menjadi 5 Juli 2023")


def test_batches_scheduled_cancelled_and_quotas_in_district_names():
    created = audit.diff({}, {"code": "DIG-2023-02", "title": "Digitalisasi Usaha Koperasi",
                              "start_date": date(2023, 7, 4), "end_date": date(2023, 7, 6), "trainers": ["a-1"]})
    assert (sentence("created", "batch", str(uuid.uuid4()), created)
            == "menjadwalkan angkatan DIG-2023-02 'Digitalisasi Usaha Koperasi', 4 Juli 2023 – 6 Juli 2023")
    assert (sentence("cancelled", "batch", BATCH, {"status": ["scheduled", "cancelled"]}, "narasumber berhalangan")
            == "membatalkan angkatan DIG-2023-01: alasan narasumber berhalangan")
    closed = {"status": ["scheduled", "closed"], "realised_cost": [None, 58_000_000],
              "components": {"honor_narasumber": [21_600_000, 21_600_000], "lainnya": [40_000_000, 36_400_000],
                             "transport_peserta": [0, 0]}}
    assert sentence("closed", "batch", BATCH, closed) == (
        "menutup angkatan DIG-2023-01 dengan realisasi Rp 58.000.000: Honor narasumber Rp 21.600.000; "
        "Lainnya Rp 36.400.000")
    quotas = audit.diff({"district_quotas": {"64.02": 10}, "trainers": ["a-1"]},
                        {"district_quotas": {"64.02": 12}, "trainers": ["a-1", "a-2"]})
    assert sentence("updated", "batch", BATCH, quotas) == (
        "mengubah angkatan DIG-2023-01: kuota kabupaten/kota dari Kabupaten Kutai Kartanegara 10 menjadi "
        "Kabupaten Kutai Kartanegara 12; pelatih yang ditugaskan diubah")


def test_sessions_added_changed_and_removed_say_number_materi_jp_and_batch():
    key = audit.session_key(BATCH, 3)
    row = {"topic": "Pemasaran daring", "jp": 4, "date": date(2023, 7, 5), "start_time": time(10, 0),
           "end_time": time(13, 0), "trainer_id": uuid.UUID(TRAINER), "trainer": None}
    assert sentence("created", "session", key, audit.diff({}, row)) == (
        "menambah sesi 3 'Pemasaran daring' (4 JP) di angkatan DIG-2023-01, 5 Juli 2023 pukul 10.00–13.00 WITA")
    assert sentence("created", "session", key, audit.diff({}, row), "jadwal bawaan satu sesi per hari diganti"
                    ).endswith("WITA; jadwal bawaan satu sesi per hari diganti")
    assert sentence("updated", "session", key, audit.diff(row, {**row, "topic": "Pemasaran digital"})) == (
        "mengubah materi sesi 3 di angkatan DIG-2023-01 dari Pemasaran daring menjadi Pemasaran digital")
    assert sentence("updated", "session", key, audit.diff(row, {**row, "trainer_id": None, "jp": 3})) == (
        "mengubah sesi 3 di angkatan DIG-2023-01: JP dari 4 menjadi 3; narasumber dari Dr. Andi Pratama, M.M. "
        "menjadi (kosong)")
    assert sentence("deleted", "session", key, audit.diff(row, dict.fromkeys(row))) == (
        "menghapus sesi 3 'Pemasaran daring' (4 JP) di angkatan DIG-2023-01, 5 Juli 2023 pukul 10.00–13.00 WITA")


def test_a_narasumber_nik_npwp_and_bank_account_are_never_kept_nor_shown():
    before = {"nik": "6472011503700009", "npwp": None, "bank_account": "999", "phone": "0811", "rate_per_jp": 900_000}
    after = {"nik": NIK, "npwp": NPWP, "bank_account": ACCOUNT, "phone": "0812", "rate_per_jp": 1_000_000}
    changes = audit.diff(before, after)
    assert changes == {"nik": "(diubah)", "npwp": "(diubah)", "bank_account": "(diubah)", "phone": "(diubah)",
                       "rate_per_jp": [900_000, 1_000_000]}
    text = sentence("updated", "trainer", TRAINER, changes)
    assert text == ("mengubah data narasumber Dr. Andi Pratama, M.M.: NIK diubah; NPWP diubah; nomor rekening "
                    "diubah; telepon diubah; honorarium per JP dari Rp 900.000 menjadi Rp 1.000.000")
    registered = audit.diff({}, {"name": "Ir. Budi", "institution": "Universitas Mulawarman", "nik": NIK,
                                 "npwp": NPWP, "bank_account": ACCOUNT})
    assert NIK not in str(registered) and NPWP not in str(registered) and ACCOUNT not in str(registered)
    assert (sentence("created", "trainer", str(uuid.uuid4()), registered)
            == "mendaftarkan narasumber Ir. Budi (Universitas Mulawarman)")
    assert (sentence("updated", "trainer", TRAINER, audit.diff({"account_id": None}, {"account_id": "akun-9"}))
            == "mengubah data narasumber Dr. Andi Pratama, M.M.: akun pelatih diubah")
    assert (sentence("updated", "trainer", TRAINER, audit.diff({"institution": ""}, {"institution": "Unmul"}))
            == "mengubah instansi narasumber Dr. Andi Pratama, M.M. dari (kosong) menjadi Unmul")


def test_programmes_officials_revocations_and_attendance_corrections():
    assert (sentence("created", "programme", PROGRAMME, audit.diff({}, {"name": "x", "fiscal_year": 2023}))
            == "merencanakan program Peningkatan Kapasitas SDM Koperasi 2023 tahun anggaran 2023")
    assert (sentence("updated", "programme", PROGRAMME, audit.diff({"allocation": 1_000_000_000},
                                                                   {"allocation": 1_200_000_000}))
            == "mengubah alokasi program Peningkatan Kapasitas SDM Koperasi 2023 dari Rp 1.000.000.000 menjadi "
               "Rp 1.200.000.000")
    assert (sentence("updated", "official", OFFICIAL, audit.diff({"active_until": None},
                                                                 {"active_until": date(2023, 12, 31)}))
            == "mengubah akhir masa jabatan pejabat Dr. H. Muhammad Zaini, S.E., M.Si. dari (kosong) menjadi "
               "31 Desember 2023")
    assert (sentence("created", "official", str(uuid.uuid4()), audit.diff({}, {"name": "Hj. Rina Wati",
                                                                             "position": "Kepala Dinas"}))
            == "mencatat pejabat Hj. Rina Wati (Kepala Dinas)")
    assert (sentence("revoked", "certificate", "UPTD-KUKM/2023/0001", {"status": ["valid", "revoked"]},
                     "nama salah tulis")
            == "mencabut sertifikat UPTD-KUKM/2023/0001 atas nama Budi Santoso: alasan nama salah tulis")
    assert (sentence("corrected", "attendance", audit.session_key(BATCH, 2), {"status": ["alpa", "hadir"]},
                     participant_id=PARTICIPANT)
            == "mengoreksi kehadiran Siti Aminah di sesi 2 angkatan DIG-2023-01 dari alpa menjadi hadir")


@pytest.mark.parametrize("entity", ["programme", "batch", "session", "trainer", "official", "certificate",
                                    "attendance", "evaluation_item", "evaluation_links", "something_new"])
def test_names_that_are_gone_or_unknown_still_read_as_words(entity):
    lost = str(uuid.uuid4())
    entity_id = {"session": audit.session_key(lost, 1), "attendance": audit.session_key(lost, 1),
                 "certificate": "UPTD-KUKM/2023/0999"}.get(entity, lost)
    for action in ("created", "updated", "deleted", "cancelled", "revoked", "corrected", "closed"):
        text = describe(action, entity, entity_id, {"note_field": ["a", "b"]}, None, Names(), lost)
        assert text and not UUID.search(text) and "None" not in text, text


def test_the_evaluation_template_and_links_read_as_sentences():
    assert (sentence("created", "evaluation_item", "penyelenggaraan/P5",
                     {"label": [None, "Panitia menjawab pertanyaan dengan cepat"]})
            == "menambah butir P5 bagian Penyelenggaraan templat kuesioner evaluasi: “Panitia menjawab pertanyaan "
               "dengan cepat”")
    assert (sentence("updated", "evaluation_item", "sarana/S2", {"label": ["Makanan enak", "Konsumsi memadai"]})
            == "mengubah pertanyaan butir S2 bagian Tempat dan konsumsi templat kuesioner evaluasi dari “Makanan "
               "enak” menjadi “Konsumsi memadai”")
    assert (sentence("deleted", "evaluation_item", "narasumber/N4", {"label": ["Menjawab dengan jelas", None]})
            == "menghapus butir N4 bagian Narasumber templat kuesioner evaluasi: “Menjawab dengan jelas”")
    assert (sentence("created", "evaluation_links", BATCH, {"links": [None, 29]})
            == "membuat 29 tautan evaluasi peserta angkatan DIG-2023-01 (tautan yang belum dipakai diganti)")
    assert sentence("created", "evaluation_links", str(uuid.uuid4()), {"links": [None, 3]}).endswith(
        "sebuah angkatan (tautan yang belum dipakai diganti)")


def test_a_narasumber_s_consent_reads_in_words():
    assert (sentence("updated", "trainer", TRAINER, {"named_in_reports": [False, True]})
            == "mengubah persetujuan disebut namanya di laporan evaluasi narasumber Dr. Andi Pratama, M.M. dari tidak "
               "menjadi ya")
