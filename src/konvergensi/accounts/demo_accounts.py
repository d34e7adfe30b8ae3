"""The demo's accounts, one per role in Kabupaten Sumedang (Jawa Barat) and two in other districts.

Kept in the base app so the login page and the two-factor rule (the shared demo accounts may not
enrol) need no domain app; ``konvergensi.demo`` creates them with their regions and data.
"""

from __future__ import annotations

from dataclasses import dataclass

from .models import Role

DEMO_PASSWORD = "demo-konvergensi"  # noqa: S105 (shown on the login page in demo mode only)
DEMO_KABKOTA = "32.11"  # Kabupaten Sumedang
NEIGHBOUR_KABKOTA = "32.10"  # Kabupaten Majalengka, same province
OTHER_PROVINCE_KABKOTA = "33.29"  # Kabupaten Brebes, Jawa Tengah
DEMO_KECAMATAN = "32.11.01"  # Wado
DEMO_DESA = "32.11.01.2001"  # Cimungkal


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    role: str
    region: str | None
    opd: str | None = None
    puskesmas: bool = False
    where: str = ""

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label)


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("bappeda-sumedang", "Rina Operator", Role.OPERATOR, DEMO_KABKOTA, where="Kab. Sumedang"),
    DemoAccount(
        "dinkes-sumedang",
        "Dedi Dinkes",
        Role.OPD,
        DEMO_KABKOTA,
        opd="Dinkes",
        where="Dinas Kesehatan Kab. Sumedang",
    ),
    DemoAccount("kec-wado", "Asep Camat", Role.KECAMATAN, DEMO_KECAMATAN, where="Kec. Wado"),
    DemoAccount("desa-cimungkal", "Siti Desa", Role.DESA, DEMO_DESA, where="Desa Cimungkal, Wado"),
    DemoAccount(
        "pkm-wado",
        "Nani Puskesmas",
        Role.PUSKESMAS,
        DEMO_KECAMATAN,
        puskesmas=True,
        where="Puskesmas Wado",
    ),
    DemoAccount("prov-jabar", "Budi Provinsi", Role.PROVINSI, "32", where="Provinsi Jawa Barat"),
    DemoAccount(
        "prov-jabar-2", "Lina Penilai", Role.PROVINSI, "32", where="Provinsi Jawa Barat (penilai kedua)"
    ),
    DemoAccount("bangda", "Maya Bangda", Role.PUSAT, None, where="Nasional"),
    DemoAccount(
        "bappeda-majalengka",
        "Operator Majalengka",
        Role.OPERATOR,
        NEIGHBOUR_KABKOTA,
        where="Kab. Majalengka (tetangga)",
    ),
    DemoAccount(
        "bappeda-brebes",
        "Operator Brebes",
        Role.OPERATOR,
        OTHER_PROVINCE_KABKOTA,
        where="Kab. Brebes, Jawa Tengah (provinsi lain)",
    ),
)
