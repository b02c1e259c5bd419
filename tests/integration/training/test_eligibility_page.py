"""The console's batch page says who may be nominated: cooperatives' people only, or UMK owners too."""
from tests.integration.training.conftest import scheduled
from tests.integration.training.test_score_pages import pages, words


async def test_the_batch_page_says_whether_umk_owners_may_be_nominated(training):
    open_to_umk, _ = await scheduled(training, days=1, eligibility="koperasi_dan_umk")
    cooperatives_only, _ = await scheduled(training, days=1)
    console = pages(training, role="training_staff", subject="staf-1")

    wide = words(await console.get(f"/konsol/angkatan/{open_to_umk['id']}"))
    narrow = words(await console.get(f"/konsol/angkatan/{cooperatives_only['id']}"))

    assert "Terbuka untuk pengurus dan anggota koperasi serta pelaku UMK" in wide
    assert "Terbuka untuk pengurus dan anggota koperasi saja" in narrow and "pelaku UMK" not in narrow
