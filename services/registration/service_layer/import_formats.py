"""The columns of the import templates: what officers type, and which API field each one fills."""
from __future__ import annotations

from services.registration.adapters.spreadsheet import Column
from services.registration.domain.participant_category import CATEGORIES
from services.registration.domain.reference import GRADES, KINDS, POSITIONS, sectors
from shared.regions import districts

COOPERATIVE_COLUMNS = [
    Column("nama_koperasi", "name", "wajib; nama lengkap koperasi", ("nama",)),
    Column("nomor_induk_koperasi", "registration_number", "wajib; angka dari ODS, unik",
           ("nik_koperasi", "nomor_induk"), text=True),
    Column("nomor_badan_hukum", "legal_entity_number", "boleh kosong; teks bebas, mis. 126/BH/KDK/1.6/II/2000",
           ("badan_hukum",)),
    Column("kode_kabupaten", "district_code", "kode Kemendagri, mis. 64.02; kosong = wilayah Anda",
           ("kode_kabupaten_kota", "kabupaten"), text=True),
    Column("alamat", "address", "boleh kosong"),
    Column("jenis", "kind", "simpan pinjam, konsumen, produsen, pemasaran atau jasa", ("jenis_koperasi",)),
    Column("sektor_usaha", "sector", "lihat daftar pilihan di bawah", ("sektor",)),
    Column("status", "active", "aktif atau tidak aktif; kosong = aktif"),
    Column("grade_ods", "grade", "A, B, C1, C2, D atau kosong", ("grade",)),
    Column("anggota_laki_laki", "members_male", "jumlah anggota laki-laki; kosong = 0", ("anggota_pria",)),
    Column("anggota_perempuan", "members_female", "jumlah anggota perempuan; kosong = 0", ("anggota_wanita",)),
    Column("nib", "nib", "boleh kosong; Nomor Induk Berusaha dari OSS, 13 angka (format sel: teks)",
           ("nomor_induk_berusaha",), text=True),
    Column("tahun_rat_terakhir", "last_rat_year", "boleh kosong; tahun RAT terakhir, mis. 2023 (tidak boleh "
           "di masa depan); bila grade_ods kosong dan RAT lebih dari 3 tahun lalu, grade menjadi D", ("tahun_rat",)),
    Column("pola_syariah", "syariah", "ya atau tidak (KSPPS/USPPS); kosong = tidak", ("syariah",)),
    Column("jumlah_pengurus", "managers_count", "kosong = 0", ("pengurus",)),
    Column("jumlah_karyawan", "employees_count", "kosong = 0", ("karyawan",)),
]

PARTICIPANT_COLUMNS = [
    Column("nik", "nik", "wajib; 16 angka (format sel: teks)", text=True),
    Column("nama_lengkap", "full_name", "wajib", ("nama",)),
    Column("jabatan", "position", "ketua, sekretaris, bendahara, pengawas, dewan pengawas syariah, manajer, "
           "karyawan atau anggota"),
    Column("telepon", "phone", "boleh kosong; 0812-3456-7890 atau +62 812 3456 7890", ("hp", "no_hp"), text=True),
    Column("email", "email", "boleh kosong"),
    Column("nomor_induk_koperasi", "registration_number", "wajib untuk pengurus/anggota koperasi (koperasi harus "
           "sudah terdaftar); kosong untuk pelaku UMK", ("nomor_induk",), text=True),
    # A UMK owner brings a business instead of a cooperative (issue 17 item 2).
    Column("kategori", "category", "pengurus_koperasi, anggota_koperasi atau pelaku_umk; kosong = "
           "pengurus_koperasi", ("kategori_peserta",)),
    Column("nama_usaha", "business_name", "pelaku UMK: wajib; nama usahanya"),
    Column("nib_usaha", "nib", "pelaku UMK: wajib; NIB dari OSS, 13 angka (format sel: teks)", ("nib",), text=True),
    Column("sektor_usaha", "sector", "pelaku UMK: wajib; lihat daftar pilihan", ("sektor",)),
    Column("kode_kabupaten_usaha", "district_code", "pelaku UMK: wajib; kode Kemendagri, mis. 64.02",
           ("kode_kabupaten",), text=True),
]


def cooperative_choices() -> dict[str, list[str]]:
    return {"kind": list(KINDS), "sector": list(sectors()), "active": ["aktif", "tidak aktif"],
            "grade": list(GRADES), "district_code": list(districts()), "syariah": ["ya", "tidak"]}


def participant_choices() -> dict[str, list[str]]:
    return {"position": list(POSITIONS), "category": list(CATEGORIES), "sector": list(sectors()),
            "district_code": list(districts())}


def header_of(columns: list[Column], field: str) -> str:
    return next((c.header for c in columns if c.field == field), field)
