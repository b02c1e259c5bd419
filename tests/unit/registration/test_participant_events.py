"""What registration announces of a participant: the public fields only, never NIK, phone or e-mail."""
import uuid
from datetime import date

from services.registration.adapters.orm import Participant
from services.registration.service_layer.participants import PUBLIC_FIELDS, updated_event
from shared.events.registration import PARTICIPANT_TOPIC, ParticipantRegistered, ParticipantUpdated


def test_a_correction_is_announced_on_the_participant_topic_like_the_registration():
    assert ParticipantUpdated.type == "sipelkop.registration.participant.updated.v1"
    assert ParticipantUpdated.topic == ParticipantRegistered.topic == PARTICIPANT_TOPIC


def test_the_event_carries_the_public_fields_and_no_personal_data():
    person = Participant(id=uuid.uuid4(), nik="6402014507900001", full_name="Siti Rahmawati", gender="P",
                         birth_date=date(1990, 7, 5), position="bendahara", phone="+6281234567890",
                         email="siti@koperasi.id", cooperative_id=uuid.uuid4(), district_code="64.02", version=3)
    event = updated_event(person)
    assert set(ParticipantUpdated.model_fields) == {"participant_id", *PUBLIC_FIELDS}
    assert event.model_dump() == {"participant_id": person.id, "full_name": "Siti Rahmawati", "gender": "P",
                                  "position": "bendahara", "cooperative_id": person.cooperative_id,
                                  "district_code": "64.02"}
    text = event.model_dump_json()
    assert "6402014507900001" not in text and "+6281234567890" not in text and "siti@koperasi.id" not in text
