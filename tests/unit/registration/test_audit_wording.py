"""The audit trail read as sentences: names instead of ids, Bahasa instead of action codes and Python values."""
import re

from services.registration.service_layer.audit_wording import Names, actor, describe, role_name

COOP, PERSON, BATCH, ENROLMENT = ("c0000000-0000-0000-0000-000000000001", "p0000000-0000-0000-0000-000000000002",
                                  "b0000000-0000-0000-0000-000000000003", "e0000000-0000-0000-0000-000000000004")
NAMES = Names(cooperatives={COOP: "Koperasi Tani Makmur"}, participants={PERSON: "Budi Santoso"},
              batches={BATCH: "DIG-2023-01"}, enrollments={ENROLMENT: (PERSON, BATCH)})
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}")


def said(action, entity, entity_id, changes=None, note=None, names=NAMES):
    sentence = describe(action, entity, entity_id, changes, note, names)
    assert not UUID.search(sentence) and "None" not in sentence and "[" not in sentence and "{" not in sentence
    return sentence


def test_a_registered_cooperative_is_named():
    assert said("created", "cooperative", COOP, {"name": [None, "Koperasi Tani Makmur"], "active": [None, True]}) \
        == "mendaftarkan koperasi Koperasi Tani Makmur"
    assert said("imported", "cooperative", COOP, note="koperasi.csv") == \
        "mendaftarkan koperasi Koperasi Tani Makmur lewat impor berkas koperasi.csv"


def test_a_changed_cooperative_says_what_changed_from_what_to_what():
    sentence = said("updated", "cooperative", COOP, {"members_male": [30, 1200], "sector": ["pertanian", "perikanan"],
                                                     "active": [True, False], "grade": [None, "B"],
                                                     "district_code": ["64.02", "64.08"]})
    assert sentence == ("mengubah data koperasi Koperasi Tani Makmur: anggota laki-laki dari 30 menjadi 1.200; "
                        "sektor usaha dari Pertanian menjadi Perikanan; status dari aktif menjadi tidak aktif; "
                        "grade ODS dari (kosong) menjadi B; kabupaten/kota dari Kabupaten Kutai Kartanegara menjadi "
                        "Kabupaten Kutai Timur")


def test_personal_data_is_only_said_to_have_changed():
    assert said("updated", "participant", PERSON, {"phone": "(diubah)", "position": ["ketua", "bendahara"]}) == \
        "mengubah data pengurus Budi Santoso: telepon diubah; jabatan dari ketua menjadi bendahara"


def test_a_registered_manager_names_the_cooperative():
    assert said("created", "participant", PERSON, {"nik": "(diubah)", "full_name": [None, "Budi Santoso"],
                                                   "position": [None, "ketua"], "cooperative_id": [None, COOP]}) == \
        "mendaftarkan pengurus Budi Santoso (ketua) di Koperasi Tani Makmur"


def test_nominations_name_the_person_and_the_batch():
    changes = {"batch_id": [None, BATCH], "participant_id": [None, PERSON]}
    assert said("enrolled", "enrollment", ENROLMENT, changes) == "menominasikan Budi Santoso ke angkatan DIG-2023-01"
    # Even when the enrolment row itself is not found, the ids the trail kept still give the names.
    alone = Names(participants=NAMES.participants, batches=NAMES.batches)
    assert said("waitlisted", "enrollment", ENROLMENT, changes, names=alone) == \
        "menominasikan Budi Santoso ke angkatan DIG-2023-01; angkatan penuh, masuk daftar tunggu"
    assert said("cancelled", "enrollment", ENROLMENT, {"status": ["enrolled", "cancelled"]},
                "dibatalkan oleh dinas") == ("membatalkan nominasi Budi Santoso di angkatan DIG-2023-01 "
                                             "(sebelumnya terdaftar); alasan: dibatalkan oleh dinas")
    assert said("promoted", "enrollment", ENROLMENT, {"status": ["waitlisted", "enrolled"]},
                "naik dari daftar tunggu") == "menaikkan Budi Santoso dari daftar tunggu ke kursi angkatan DIG-2023-01"


def test_unknown_ids_and_actions_still_read_as_words():
    assert said("enrolled", "enrollment", ENROLMENT, {}, names=Names()) == \
        "menominasikan seorang pengurus ke sebuah angkatan"
    assert said("updated", "cooperative", COOP, {"name": ["Lama", "Baru"]}, names=Names()) == \
        "mengubah data koperasi Baru: nama dari Lama menjadi Baru"
    assert said("merged", "participant", PERSON, {}) == "mencatat perubahan pada pengurus"


def test_the_actor_is_a_name_and_a_role_in_bahasa():
    assert actor("Rina Marlina") == "Rina Marlina" and actor(None) == "akun tidak dikenal"
    assert role_name("district_officer") == "Petugas Dinas" and role_name("robot") == ""
