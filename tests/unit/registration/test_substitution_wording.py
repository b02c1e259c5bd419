"""The audit trail of a day-one substitution, in words: who replaced whom, in which batch, and why."""
from services.registration.service_layer.audit_wording import Names, describe

BUDI, SITI, BATCH, NEW = ("p0000000-0000-0000-0000-000000000001", "p0000000-0000-0000-0000-000000000002",
                          "b0000000-0000-0000-0000-000000000003", "e0000000-0000-0000-0000-000000000004")
NAMES = Names(participants={BUDI: "Budi Santoso", SITI: "Siti Aminah"}, batches={BATCH: "DIG-2023-01"},
              enrollments={NEW: (SITI, BATCH)})


def test_a_substitution_names_both_people_the_batch_and_the_reason():
    assert describe("substituted", "enrollment", NEW, {"batch_id": [None, BATCH], "participant_id": [BUDI, SITI]},
                    "tidak hadir hari pertama", NAMES) == \
        "mengganti Budi Santoso dengan Siti Aminah di angkatan DIG-2023-01: alasan tidak hadir hari pertama"


def test_a_walk_in_is_said_as_such():
    assert describe("substituted", "enrollment", NEW, {"batch_id": [None, BATCH], "participant_id": [None, SITI]},
                    "datang langsung", NAMES) == \
        "mendaftarkan Siti Aminah sebagai peserta langsung di angkatan DIG-2023-01: alasan datang langsung"


def test_names_not_found_stay_words_without_ids():
    sentence = describe("substituted", "enrollment", "e-unknown", {"participant_id": [BUDI, "p-unknown"]}, None,
                        Names(participants={BUDI: "Budi Santoso"}))
    assert sentence == "mengganti Budi Santoso dengan seorang pengurus di sebuah angkatan"
