"""NIK rules: the one set every service shares (shared/nik.py)."""
from shared.nik import InvalidNik, NikInfo, mask_nik, parse_nik

__all__ = ["InvalidNik", "NikInfo", "mask_nik", "parse_nik"]
