"""The words every page shares, in one place: navigation, error pages, the frame. Service-specific wording stays
beside its service (domain refusals in each domain's errors, audit verbs in each service's audit module)."""
from __future__ import annotations

AGENCY = "UPTD Pelatihan Koperasi dan UKM"
PROVINCE = "Provinsi Kalimantan Timur"
PRODUCT = "SIPELKOP"
PRODUCT_LONG = "Sistem Informasi Pelatihan Koperasi"

NAV = {
    "cooperatives": "Koperasi",
    "participants": "Pengurus",
    "enrolments": "Angkatan",
    "imports": "Impor",
    "planning": "Perencanaan",
    "certificates": "Sertifikat",
    "console": "Konsol Pelatihan",
    "trainer": "Sesi Saya",
    "dashboard": "Dasbor",
    "accounts": "Akun",
    "audit": "Audit Pendaftaran",
    "audit_training": "Audit Pelatihan",
    "password": "Ganti sandi",
    "sign_out": "Keluar",
    "sign_in": "Masuk",
    "skip": "Langsung ke isi halaman",
}

# Error pages: a heading, then what to do. The request's own message (a DomainError's) is shown under it.
ERROR_PAGES = {
    400: ("Permintaan tidak dapat diproses", "Periksa kembali isian Anda lalu coba lagi."),
    401: ("Sesi Anda berakhir", "Silakan masuk lagi untuk melanjutkan."),
    403: ("Halaman ini bukan untuk akun Anda", "Jika Anda memerlukan akses, hubungi admin provinsi."),
    404: ("Halaman tidak ditemukan", "Alamat itu tidak ada atau datanya sudah dihapus. Periksa alamatnya, "
                                     "atau kembali ke beranda."),
    405: ("Cara membuka halaman ini tidak didukung", "Kembali ke beranda lalu gunakan tautan yang tersedia."),
    409: ("Perubahan ditolak", "Data berubah atau aturan tidak mengizinkannya. Muat ulang halaman lalu periksa."),
    413: ("Berkas terlalu besar", "Kirim berkas yang lebih kecil atau pecah menjadi beberapa berkas."),
    422: ("Data belum benar", "Perbaiki kolom yang disebut di bawah lalu kirim lagi."),
    429: ("Terlalu banyak percobaan", "Tunggu sebentar lalu coba lagi."),
    500: ("Terjadi kesalahan pada sistem", "Data Anda tidak berubah. Coba lagi; bila terulang, sampaikan kode "
                                           "rujukan di bawah kepada admin."),
    503: ("Layanan sedang tidak tersedia", "Coba lagi beberapa saat lagi. Data Anda tidak berubah."),
}
HOME = "Kembali ke beranda"
SIGN_IN_AGAIN = "Masuk lagi"
OTHER_ACCOUNT = "Masuk dengan akun lain"
REFERENCE = "Kode rujukan"
TIMES_NOTE = "Semua waktu dalam WITA (Waktu Indonesia Tengah)."


def error_page_text(status: int) -> tuple[str, str]:
    return ERROR_PAGES.get(status, ERROR_PAGES[500] if status >= 500 else ERROR_PAGES[400])
