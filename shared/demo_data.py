"""The demo province, as data and without I/O: one fiscal year of the UPTD's DAK programme (Rp 1.200.000.000,
target 600 cooperatives), batches across the year (closed with realisasi, one running today, some planned, one of
them open to UMK owners), cooperatives in all ten regencies and cities of Kalimantan Timur and managers with
distinct names.

`scenario(today)` is deterministic for a given day; shared/demo.py sends it through the services' APIs."""
from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from shared.events.registration import UMK_CATEGORY
from shared.regions import districts


def wita_today(now: datetime | None = None) -> date:
    """The business day in Kalimantan Timur (WITA, UTC+8), whatever the machine's zone."""
    from shared.clock import business_today

    return business_today(now)


# --- the people who sign in ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Account:
    username: str
    full_name: str
    role: str
    district: str | None = None


ACCOUNTS = [Account("admin.uptd", "Hj. Noor Aisyah, S.E.", "admin"),
            Account("staf.pelatihan", "Rahmat Hidayat, S.Kom.", "training_staff"),
            Account("dinas.paser", "Siti Masitah, S.E.", "district_officer", "64.01"),
            Account("dinas.kukar", "Rina Marlina, S.E.", "district_officer", "64.02"),
            Account("dinas.berau", "Andi Baso Tenri, S.Sos.", "district_officer", "64.03"),
            Account("dinas.kubar", "Yohanes Lahang, S.P.", "district_officer", "64.07"),
            Account("dinas.kutim", "Andi Saputra, S.Sos.", "district_officer", "64.08"),
            Account("dinas.ppu", "Yuliani Pratiwi, S.E.", "district_officer", "64.09"),
            Account("dinas.mahulu", "Theresia Hangin, S.AP.", "district_officer", "64.11"),
            Account("dinas.balikpapan", "Gusti Muhammad Rizal, S.E.", "district_officer", "64.71"),
            Account("dinas.samarinda", "Dra. Hasnah Daeng Matta", "district_officer", "64.72"),
            Account("dinas.bontang", "Syahrul Gunawan, S.T.", "district_officer", "64.74"),
            Account("pelatih.budi", "Dr. Budi Santoso, M.M.", "trainer"),
            Account("pelatih.sri", "Sri Wahyuni, S.E., M.Si.", "trainer"),
            Account("kementerian", "Dewi Kartika, M.Si.", "viewer")]
OFFICERS = {a.district: a for a in ACCOUNTS if a.district}


@dataclass(frozen=True)
class Narasumber:
    """A speaker in training's registry; `account` links the ones who sign in to mark attendance."""

    key: str
    name: str
    institution: str
    rate_per_jp: int
    account: str | None = None
    nip: str | None = None  # civil servants
    nik: str | None = None  # the others

    def body(self, account_id: str | None) -> dict:
        return {"name": self.name, "institution": self.institution, "rate_per_jp": self.rate_per_jp,
                **({"nip": self.nip} if self.nip else {}), **({"nik": self.nik} if self.nik else {}),
                **({"account_id": account_id} if account_id else {})}


NARASUMBER = [Narasumber("budi", "Dr. Budi Santoso, M.M.", "Universitas Mulawarman", 900_000, "pelatih.budi",
                         nip="197503122001121002"),
              Narasumber("sri", "Sri Wahyuni, S.E., M.Si.", "Dinas Koperasi dan UKM Provinsi Kalimantan Timur",
                         800_000, "pelatih.sri", nip="198108242006042003"),
              Narasumber("syaiful", "Ir. H. Syaiful Anwar, M.P.", "Dinas Perkebunan Provinsi Kalimantan Timur",
                         800_000, nip="196807151994031004"),
              Narasumber("nurul", "Nurul Hidayah, S.Kom.", "Praktisi pemasaran digital, Samarinda", 700_000,
                         nik="6472035508900002")]
# Who teaches the middle day of a batch, by its code stem (the batch's own trainer teaches the first and last).
# (None for the batch running today: its trainer, who signs in, teaches today's session too.)
GUEST = {"SRL": "syaiful", "KWR": "syaiful", "DIG": "nurul", "PMS": "nurul", "MKS": "budi", "AKT": "budi"}
# The official who signs the certificates (a record in training, not configuration).
OFFICIAL = {"name": "Drs. H. Muhammad Yusran, M.Si.", "nip": "197002141995031003",
            "position": "Kepala UPTD Pelatihan Koperasi dan UKM Provinsi Kalimantan Timur"}


# Three sessions a day (the UPTD's usual day): 2 + 3 + 3 JP of 45 minutes.
DAY_SLOTS = [("08:00", "09:30"), ("09:45", "12:00"), ("13:00", "15:15")]


@dataclass(frozen=True)
class Slot:
    """One session of a batch's agenda (jadwal acara)."""

    day: date
    start: str  # HH:MM WITA
    end: str
    topic: str
    speaker: str  # NARASUMBER key


def agenda(batch: "Batch") -> list[Slot]:
    """Each day's materi in three sessions; the batch's trainer teaches the first and last day, a guest the middle
    one; the first session opens the batch, the last closes it with the follow-up plan."""
    own = next(n.key for n in NARASUMBER if n.account == batch.trainer)
    guest = GUEST.get(batch.code.split("-")[0], own)
    slots = []
    last = len(batch.days) - 1
    for d, (day, topic) in enumerate(zip(batch.days, batch.topics)):
        subjects = [topic, f"{topic}: praktik", f"{topic}: diskusi kelompok"]
        if d == 0:
            subjects[0] = f"Pembukaan; {topic}"
        if d == last:
            subjects[2] = "Rencana tindak lanjut dan penutupan"
        for (start, end), subject in zip(DAY_SLOTS, subjects):
            slots.append(Slot(day, start, end, subject, guest if d == 1 else own))
    return slots


# --- what the demo holds ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Cooperative:
    key: str
    district: str
    name: str
    kind: str
    sector: str
    registration_number: str
    legal_entity_number: str
    address: str
    grade: str
    active: bool
    members_male: int
    members_female: int
    nib: str | None = None  # NIB (OSS), 13 digits; some cooperatives have none yet
    last_rat_year: int | None = None  # year of the last RAT, consistent with the grade
    syariah: bool = False
    managers_count: int = 0
    employees_count: int = 0

    def body(self) -> dict:
        return {"name": self.name, "registration_number": self.registration_number,
                "legal_entity_number": self.legal_entity_number, "district_code": self.district,
                "address": self.address, "kind": self.kind, "sector": self.sector, "active": self.active,
                "grade": self.grade, "members_male": self.members_male, "members_female": self.members_female,
                "nib": self.nib, "last_rat_year": self.last_rat_year, "syariah": self.syariah,
                "managers_count": self.managers_count, "employees_count": self.employees_count}


@dataclass(frozen=True)
class Business:
    """A UMK owner's business (pelaku UMK, no cooperative): what registration asks for in a cooperative's place."""

    name: str
    nib: str  # NIB (OSS), 13 digits
    sector: str


@dataclass(frozen=True)
class Person:
    key: str
    full_name: str
    gender: str  # L | P, as the NIK says
    nik: str
    position: str
    phone: str
    cooperative: str | None  # Cooperative.key; None for a UMK owner
    district: str
    batch: str  # Batch.code
    business: Business | None = None  # a UMK owner's

    def body(self, cooperative_id: str | None) -> dict:
        base = {"nik": self.nik, "full_name": self.full_name, "position": self.position, "phone": self.phone}
        if self.business is None:
            return {**base, "cooperative_id": cooperative_id}
        return {**base, "category": UMK_CATEGORY, "business_name": self.business.name, "nib": self.business.nib,
                "sector": self.business.sector, "district_code": self.district}


@dataclass
class Batch:
    code: str
    title: str
    venue: str
    start: date
    end: date
    state: str  # closed | running | planned
    districts: list[str]
    capacity: int
    planned_budget: int
    trainer: str  # Account.username
    topics: list[str]
    nominated: int  # how many the districts nominate (UMK owners included)
    realised_cost: int | None = None
    eligibility: str = "koperasi"  # koperasi | koperasi_dan_umk (UMK owners may be nominated too)
    # participant key -> one status per session already held (closed: every session; running: those before today)
    attendance: dict[str, list[str]] = field(default_factory=dict)

    @property
    def days(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days + 1)]

    @property
    def sessions_held(self) -> int:
        return len(next(iter(self.attendance.values()), []))


@dataclass
class Scenario:
    today: date
    fiscal_year: int
    programme: dict
    batches: list[Batch]
    cooperatives: list[Cooperative]
    people: list[Person]

    def batch(self, code: str) -> Batch:
        return next(b for b in self.batches if b.code == code)

    def people_in(self, code: str) -> list[Person]:
        return [p for p in self.people if p.batch == code]


# --- the words it is made of -----------------------------------------------------------------------------------
PLACES = {
    "64.01": ["Tanah Grogot", "Long Ikis", "Kuaro", "Batu Sopang", "Muara Komam", "Pasir Belengkong", "Long Kali"],
    "64.02": ["Tenggarong", "Loa Kulu", "Sebulu", "Muara Badak", "Anggana", "Kota Bangun", "Samboja", "Muara Kaman"],
    "64.03": ["Tanjung Redeb", "Gunung Tabur", "Talisayan", "Biduk-Biduk", "Sambaliung", "Segah", "Kelay"],
    "64.07": ["Sendawar", "Melak", "Barong Tongkok", "Linggang Bigung", "Damai", "Muara Pahu"],
    "64.08": ["Sangatta", "Bengalon", "Muara Wahau", "Kaubun", "Sangkulirang", "Kongbeng", "Rantau Pulung"],
    "64.09": ["Penajam", "Waru", "Babulu", "Sepaku"],
    "64.11": ["Long Bagun", "Long Pahangai", "Long Apari", "Laham", "Long Hubung"],
    "64.71": ["Manggar", "Gunung Samarinda", "Karang Joang", "Baru Ulu", "Sepinggan", "Klandasan"],
    "64.72": ["Sungai Kunjang", "Palaran", "Loa Janan Ilir", "Sambutan", "Sempaja", "Sungai Pinang", "Air Hitam"],
    "64.74": ["Bontang Kuala", "Loktuan", "Tanjung Laut", "Berbas", "Guntung"],
}
# Which sectors a district's cooperatives work in, most common first (cities: savings and trade; inland: plantations).
SECTOR_MIX = {
    "64.01": ["perkebunan", "pertanian", "simpan pinjam", "perikanan", "perdagangan"],
    "64.02": ["pertanian", "perikanan", "simpan pinjam", "perkebunan", "peternakan", "kerajinan/industri"],
    "64.03": ["perikanan", "perkebunan", "jasa", "simpan pinjam", "kerajinan/industri"],
    "64.07": ["perkebunan", "kerajinan/industri", "pertanian", "simpan pinjam"],
    "64.08": ["perkebunan", "pertanian", "peternakan", "simpan pinjam", "perikanan"],
    "64.09": ["pertanian", "perkebunan", "peternakan", "simpan pinjam"],
    "64.11": ["kerajinan/industri", "perkebunan", "pertanian"],
    "64.71": ["simpan pinjam", "perdagangan", "jasa", "perikanan", "kerajinan/industri"],
    "64.72": ["simpan pinjam", "perdagangan", "jasa", "kerajinan/industri", "peternakan"],
    "64.74": ["perikanan", "simpan pinjam", "perdagangan", "jasa"],
}
PREFIXES = {  # sector -> (jenis koperasi, ways such cooperatives call themselves)
    "simpan pinjam": ("simpan pinjam", ["KSP", "Koperasi Simpan Pinjam", "KSPPS", "Kopdit"]),
    "pertanian": ("produsen", ["Koperasi Produsen Tani", "KUD", "Koperasi Tani"]),
    "perkebunan": ("produsen", ["Koperasi Produsen Sawit", "Koperasi Perkebunan", "Koperasi Petani Karet"]),
    "perikanan": ("produsen", ["Koperasi Nelayan", "Koperasi Perikanan", "Koperasi Pembudidaya Ikan"]),
    "peternakan": ("produsen", ["Koperasi Peternak", "Koperasi Peternak Sapi", "Koperasi Peternak Unggas"]),
    "kerajinan/industri": ("produsen", ["Koperasi Pengrajin", "Koperasi Industri Kecil", "Koperasi Perajin Manik"]),
    "perdagangan": ("pemasaran", ["Koperasi Pemasaran", "Koperasi Konsumen", "Koperasi Pedagang Pasar"]),
    "jasa": ("jasa", ["Koperasi Jasa", "Koperasi Jasa Wisata", "Koperasi Angkutan"]),
}
CORES = ["Sejahtera", "Makmur Jaya", "Maju Bersama", "Harapan Baru", "Karya Mandiri", "Bina Usaha", "Mitra Usaha",
         "Sumber Rezeki", "Bumi Etam", "Mahakam Lestari", "Benua Etam", "Tunas Harapan", "Sinar Pagi", "Berkah Abadi",
         "Mekar Sari", "Gotong Royong", "Rukun Santosa", "Borneo Mandiri", "Sido Rukun",
         "Amanah", "Bahari Sejahtera", "Karya Bersama", "Sepakat", "Sumber Makmur", "Telaga Mas", "Batiwakkal",
         "Lamin Etam", "Ruhui Rahayu", "Tepian Mandiri"]
STREETS = ["Jl. Jenderal Sudirman", "Jl. Ahmad Yani", "Jl. Pahlawan", "Jl. Gajah Mada", "Jl. Diponegoro",
           "Jl. Poros Desa", "Jl. Kartini", "Jl. Pangeran Antasari", "Jl. Imam Bonjol", "Jl. Cut Nyak Dien"]
MEN = ["Muhammad", "Ahmad", "Andi", "Budi", "Rudi", "Hendra", "Agus", "Syahrul", "Rizky", "Fajar", "Iwan", "Yusuf",
       "Hamdan", "Darmawan", "Irwan", "Joko", "Slamet", "Bambang", "Eko", "Wahyu", "Arief", "Dedi", "Hasanuddin",
       "Abdul", "Firman", "Syamsul", "Heri", "Nanang", "Taufik", "Lukman", "Ridwan", "Yohanes", "Stefanus", "Markus",
       "Herman", "Kaharuddin", "Amran", "Zainal", "Gusti", "Asrani", "Jumadi", "Ilham", "Sugianto", "Rusdi"]
WOMEN = ["Siti", "Nur", "Dewi", "Rina", "Sri", "Yuliani", "Fitri", "Wulan", "Ani", "Endang", "Kartini", "Hasnah",
         "Halimah", "Rosmawati", "Marlina", "Sulastri", "Novita", "Ratna", "Indah", "Maria", "Yuliana", "Theresia",
         "Fatimah", "Aisyah", "Nurul", "Hajrah", "Suriani", "Mardiana", "Erna", "Dian", "Mega", "Putri", "Ika",
         "Rahmah", "Norhayati", "Salmah", "Agustina", "Veronika", "Jamilah", "Asmah"]
MEN_LAST = ["Saputra", "Pratama", "Hidayat", "Santoso", "Wijaya", "Gunawan", "Setiawan", "Kurniawan", "Rahman",
            "Hakim", "Syahputra", "Nugroho", "Firmansyah", "Ramadhan", "Maulana", "Hasan", "Effendi", "Sulaiman",
            "Lahang", "Ajang", "Baso", "Tenri", "Idris", "Noor", "Arsyad", "Mappiare", "Suherman", "Wibowo"]
WOMEN_LAST = ["Rahmawati", "Lestari", "Pratiwi", "Handayani", "Susanti", "Wulandari", "Puspitasari", "Anggraini",
              "Maharani", "Safitri", "Ningsih", "Kusumawati", "Hasanah", "Aryani", "Fitriani", "Yanti", "Juwita",
              "Nurhaliza", "Sari", "Damayanti", "Hangin", "Paramitha", "Noviyanti", "Kurniasih"]
PHONE_PREFIXES = ["0811", "0812", "0813", "0821", "0822", "0852", "0853", "0857", "0878"]

# (code stem, title, venue, topics of its three days, trainer)
CLOSED = [("MKS", "Manajemen Koperasi Simpan Pinjam", "Balikpapan", ["64.71", "64.01", "64.09"],
           ["Prinsip dan tata kelola KSP", "Analisis kredit dan penagihan", "Laporan keuangan dan RAT"], "pelatih.sri"),
          ("DIG", "Digitalisasi Usaha Koperasi", "Samarinda", ["64.02", "64.08", "64.09"],
           ["Pemasaran digital dan media sosial", "Pencatatan keuangan dengan aplikasi",
            "Marketplace dan pembayaran digital"], "pelatih.budi"),
          ("AKT", "Akuntansi Koperasi dan Persiapan RAT", "Samarinda", ["64.72", "64.74", "64.03"],
           ["Standar akuntansi koperasi", "Menyusun neraca dan SHU", "Rapat Anggota Tahunan"], "pelatih.sri"),
          ("SRL", "Pengembangan Usaha Sektor Riil", "Tenggarong", ["64.07", "64.11", "64.02"],
           ["Rantai nilai perkebunan dan pertanian", "Kemitraan dengan offtaker", "Rencana bisnis koperasi"],
           "pelatih.budi"),
          ("PMS", "Pemasaran Produk Koperasi", "Sangatta", ["64.08", "64.03", "64.01"],
           ["Kemasan dan merek produk", "Perizinan PIRT dan halal", "Strategi penjualan"], "pelatih.sri")]
RUNNING = ("TKP", "Tata Kelola dan Pengawasan Koperasi", "Samarinda", ["64.72", "64.02", "64.71"],
           ["Peran pengurus dan pengawas", "Manajemen risiko koperasi", "Pengawasan internal dan audit"],
           "pelatih.budi")
PLANNED = [("KWR", "Kewirausahaan Koperasi Perikanan", "Bontang", ["64.74", "64.08", "64.03"],
            ["Usaha perikanan tangkap dan budidaya", "Pengolahan hasil perikanan", "Akses permodalan"],
            "pelatih.sri", 24),
           ("DIG", "Digitalisasi Usaha Koperasi Angkatan II", "Samarinda", ["64.07", "64.11", "64.09"],
            ["Pemasaran digital dan media sosial", "Pencatatan keuangan dengan aplikasi",
             "Marketplace dan pembayaran digital"], "pelatih.budi", 12)]
# The planned batch open to UMK owners (its code stem) and the owners its districts nominate besides the
# cooperatives' managers: (kabupaten/kota, business, sector). Fish processors, as the batch's topics say.
WITH_UMK = "koperasi_dan_umk"
UMK_OWNERS = {"KWR": [("64.74", "Amplang Ikan Pipih Bontang Kuala", "perikanan"),
                      ("64.08", "Terasi Udang Sangkulirang", "perikanan"),
                      ("64.03", "Kerupuk Ikan Tenggiri Tanjung Batu", "kerajinan/industri")]}
# Weeks before today each closed batch started, earliest first: spread over the year.
CLOSED_WEEKS_AGO = [36, 28, 21, 13, 6]
DISTRICT_TARGETS = {"64.01": 50, "64.02": 110, "64.03": 45, "64.07": 35, "64.08": 70, "64.09": 35, "64.11": 15,
                    "64.71": 80, "64.72": 120, "64.74": 40}  # sums to 600
CAPACITY = 30


def _tuesday(day: date) -> date:
    """Training weeks run Tuesday to Thursday: the Tuesday of `day`'s week."""
    return day - timedelta(days=(day.weekday() - 1) % 7)


def _budget(rng: random.Random) -> int:
    return rng.randrange(620, 760) * 100_000  # Rp 62-76 juta for 30 people, 3 days


def scenario(today: date, seed: int = 2023) -> Scenario:
    rng = random.Random(seed)
    year = today.year
    batches: list[Batch] = []
    for n, ((stem, title, venue, codes, topics, trainer), weeks) in enumerate(zip(CLOSED, CLOSED_WEEKS_AGO), 1):
        start = _tuesday(today - timedelta(weeks=weeks))
        planned = _budget(rng)
        batches.append(Batch(f"{stem}-{year}-{n:02d}", title, venue, start, start + timedelta(days=2), "closed",
                             codes, CAPACITY, planned, trainer, topics, CAPACITY,
                             realised_cost=int(round(planned * rng.uniform(0.9, 0.98), -5))))
    stem, title, venue, codes, topics, trainer = RUNNING
    batches.append(Batch(f"{stem}-{year}-06", title, venue, today - timedelta(days=1), today + timedelta(days=1),
                         "running", codes, CAPACITY, _budget(rng), trainer, topics, CAPACITY))
    for n, (stem, title, venue, codes, topics, trainer, nominated) in enumerate(PLANNED, 7):
        start = _tuesday(today + timedelta(weeks=n - 6))  # next week, the week after
        batches.append(Batch(f"{stem}-{year}-{n:02d}", title, venue, start, start + timedelta(days=2), "planned",
                             codes, CAPACITY, _budget(rng), trainer, topics, nominated,
                             eligibility=WITH_UMK if stem in UMK_OWNERS else "koperasi"))
    cooperatives, people = _people(rng, batches, year)
    for batch in batches:
        _attendance(rng, batch, [p for p in people if p.batch == batch.code], today)
    programme = {"name": f"Peningkatan Kapasitas SDM Koperasi (DAK Non-Fisik {year})", "fiscal_year": year,
                 "funding_source": "DAK", "allocation": 1_200_000_000, "target_cooperatives": 600,
                 "district_targets": dict(DISTRICT_TARGETS)}
    return Scenario(today, year, programme, batches, cooperatives, people)


def _people(rng: random.Random, batches: list[Batch], year: int) -> tuple[list[Cooperative], list[Person]]:
    """Each batch's seats shared evenly among its districts; most cooperatives send one manager, some two (ketua
    and bendahara, same batch); a few registered cooperatives are not nominated yet, one per district is inactive.
    A batch open to UMK also takes the UMK owners its districts nominate (UMK_OWNERS), drawn last from a stream
    of their own so the rest of the demo is what it was before they came. No cooperative is sent to two batches
    in one year, and no two people share a name."""
    names_taken = {a.full_name for a in ACCOUNTS}
    cooperatives: list[Cooperative] = []
    people: list[Person] = []
    coop_names: set[str] = set()
    counter = {"coop": 0, "person": 0}

    def new_cooperative(district: str, active: bool = True) -> Cooperative:
        counter["coop"] += 1
        n = counter["coop"]
        sector = rng.choice(SECTOR_MIX[district][:3] * 2 + SECTOR_MIX[district])
        kind, prefixes = PREFIXES[sector]
        place = rng.choice(PLACES[district])
        while True:
            name = f"{rng.choice(prefixes)} {rng.choice(CORES)} {place}"
            if name not in coop_names:
                break
            place = rng.choice(PLACES[district])
        coop_names.add(name)
        founded = rng.randrange(1985, 2021)
        legal = (f"{rng.randrange(10, 999)}/BH/XVI/{district.replace('.', '')}/{founded}" if founded < 2012 else
                 f"AHU-{rng.randrange(1000, 99999):07d}.AH.01.26.TAHUN {founded}")
        big = sector == "simpan pinjam"
        male, female = rng.randrange(40, 400 if big else 120), rng.randrange(30, 450 if big else 110)
        coop = Cooperative(f"K{n:03d}", district, name, kind, sector, f"{district.replace('.', '')}{10000000 + n * 37:08d}",
                           legal, f"{rng.choice(STREETS)} No. {rng.randrange(1, 120)}, {place}",
                           rng.choice(["A", "A", "B", "B", "B", "C1", "C2"]) if active else "D", active, male, female)
        # The registry fields beyond the basics, from the counter (not the random stream, so the rest of the
        # scenario stays as it was): a RAT inside the 3-year window for A-C2, before it for D.
        coop = replace(coop, nib=f"91{district.replace('.', '')}{n:07d}" if n % 3 else None,
                       last_rat_year=year - (n % 2 if coop.grade in ("A", "B") else 0) if active else year - 4 - n % 3,
                       syariah=sector == "simpan pinjam" and n % 4 == 0, managers_count=3 + n % 3,
                       employees_count=n % 6 if active else 0)
        cooperatives.append(coop)
        return coop

    def new_person(coop: Cooperative | None, batch: Batch, position: str, business: Business | None = None,
                   district: str | None = None, rng: random.Random = rng) -> Person:
        counter["person"] += 1
        n = counter["person"]
        district = coop.district if coop else district
        woman = rng.random() < 0.42
        while True:
            first = rng.choice(WOMEN if woman else MEN)
            last = rng.choice(WOMEN_LAST if woman else MEN_LAST)
            middle = rng.choice(MEN if not woman else WOMEN) if rng.random() < 0.2 else ""
            name = " ".join(part for part in (first, middle, last) if part)
            if name not in names_taken and first != middle:
                break
        names_taken.add(name)
        born = date(rng.randrange(1965, 2000), rng.randrange(1, 13), rng.randrange(1, 29))
        nik = (f"{district.replace('.', '')}{rng.randrange(1, 16):02d}{born.day + (40 if woman else 0):02d}"
               f"{born.month:02d}{born.year % 100:02d}{n:04d}")
        phone = f"{PHONE_PREFIXES[n % len(PHONE_PREFIXES)]}-{5000 + n:04d}-{rng.randrange(1000, 9999):04d}"
        person = Person(f"P{n:03d}", name, "P" if woman else "L", nik, position, phone, coop.key if coop else None,
                        district, batch.code, business)
        people.append(person)
        return person

    for batch in batches:
        umk = len(UMK_OWNERS.get(batch.code.split("-")[0], []))
        seats = [batch.districts[i % len(batch.districts)] for i in range(batch.nominated - umk)]
        for district in batch.districts:
            left = seats.count(district)
            while left:
                coop = new_cooperative(district)
                pair = left >= 2 and rng.random() < 0.2
                new_person(coop, batch, "ketua")
                if pair:
                    new_person(coop, batch, rng.choice(["bendahara", "sekretaris", "manajer"]))
                left -= 2 if pair else 1
    for district in districts():
        for _ in range(3):
            new_cooperative(district)  # registered, not nominated this year (yet)
        new_cooperative(district, active=False)
    own_stream = random.Random(f"{year}-umk")
    for batch in batches:
        for n, (district, business, sector) in enumerate(UMK_OWNERS.get(batch.code.split("-")[0], []), 1):
            nib = f"12{district.replace('.', '')}{year % 100:02d}{n:05d}"  # 13 digits; no cooperative's ("91...")
            new_person(None, batch, "pemilik usaha", Business(business, nib, sector), district, own_stream)
    return cooperatives, people


def _attendance(rng: random.Random, batch: Batch, people: list[Person], today: date) -> None:
    """Statuses of the sessions already held: most present, some late; a few excused, sick or absent, so that a
    handful of each closed batch does not complete (the default rule: present at every session)."""
    held = len([slot for slot in agenda(batch) if batch.state == "closed" or slot.day < today])
    if batch.state == "planned" or not held:
        return
    misses = rng.choice([1, 2, 3, 4]) if batch.state == "closed" else 0
    missing = set(rng.sample([p.key for p in people], k=min(misses, len(people))))
    for person in people:
        marks = ["terlambat" if rng.random() < 0.08 else "hadir" for _ in range(held)]
        if person.key in missing:
            marks[rng.randrange(held)] = rng.choice(["izin", "sakit", "alpa"])
        batch.attendance[person.key] = marks



# How a batch's money is usually spread over the DAK components once the narasumber are paid (shares of the rest).
COMPONENT_SHARES = (("uang_saku_peserta", 25), ("transport_peserta", 15), ("akomodasi", 30), ("konsumsi", 20),
                    ("atk_seminar_kit", 4), ("sewa_tempat", 4), ("penggandaan_modul", 1), ("sertifikat", 1))


def close_lines(batch: Batch, honorarium: int) -> list[dict]:
    """The closing's lines: the honorarium as the agenda says, the rest of the plan and of the realisation spread
    over the usual components; each total adds up to the rupiah (the last line takes the rounding)."""
    def spread(total: int) -> list[int]:
        rest = max(total - honorarium, 0)
        parts = [rest * share // 100 for _, share in COMPONENT_SHARES]
        parts[-1] += rest - sum(parts)
        return [min(honorarium, total), *parts]

    codes = ["honor_narasumber", *(code for code, _ in COMPONENT_SHARES)]
    return [{"component": code, "planned": planned, "realised": realised}
            for code, planned, realised in zip(codes, spread(batch.planned_budget), spread(batch.realised_cost or 0))]
