"""Who the papers belong to: the agency, its region, signing places and signatories.

Nothing agency-specific lives in code. What the forms and reports print about the agency
comes, in this order, from:

1. an optional **profile file** (``--profile instansi.toml``), for what a roster cannot say;
2. the **roster**: the ``Instansi`` and ``Tempat`` columns, and who heads each unit (the
   unit's employee whose assessor is outside the unit, see :func:`unit_head`);
3. the unit names themselves (``Sekretariat ... Kabupaten Blitar`` signs in ``Blitar``);
4. otherwise dotted lines to write on.

A profile file, every key optional::

    # instansi.toml
    instansi = "Badan Pengawas Pemilihan Umum"   # agency name on forms and report titles
    wilayah = "Provinsi Jawa Timur"              # what the province report covers
    tempat = "Surabaya"                          # where the province report is signed
    unit_order = ["Sekretariat Bawaslu Provinsi Jawa Timur", "..."]   # units, in order

    [[penandatangan]]                            # who signs a report (repeat per unit)
    unit = "provinsi"                            # a unit name, or "provinsi"
    jabatan = "Kepala Sekretariat Bawaslu Provinsi Jawa Timur"
    nama = "..."
    nip = "..."
    tempat = "Surabaya"                          # optional: the place this one signs

    [tempat_unit]                                # optional: a unit's signing place
    "Sekretariat Bawaslu Kabupaten Malang" = "Kepanjen"
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .errors import UsageError

PROVINCE = "provinsi"   # the key of the province report's signatory


@dataclass(frozen=True)
class Signatory:
    """Who signs a paper: position, name and NIP (empty fields print as dotted lines)."""

    jabatan: str = ""
    nama: str = ""
    nip: str = ""
    tempat: str = ""

    def to_dict(self) -> dict:
        return {"jabatan": self.jabatan, "nama": self.nama, "nip": self.nip,
                "tempat": self.tempat}


@dataclass
class Profile:
    """What a profile file says (see the module docstring); empty when there is none."""

    path: str | None = None
    instansi: str = ""
    wilayah: str = ""
    tempat: str = ""
    unit_order: list[str] = field(default_factory=list)
    signatories: dict[str, Signatory] = field(default_factory=dict)   # casefolded unit
    tempat_unit: dict[str, str] = field(default_factory=dict)         # casefolded unit

    def signatory(self, unit: str | None) -> Signatory | None:
        return self.signatories.get((unit or PROVINCE).casefold())

    def to_dict(self) -> dict:
        return {"path": self.path, "instansi": self.instansi, "wilayah": self.wilayah,
                "tempat": self.tempat, "unit_order": list(self.unit_order),
                "signatories": {k: v.to_dict() for k, v in self.signatories.items()},
                "tempat_unit": dict(self.tempat_unit)}


def _toml():
    if sys.version_info >= (3, 11):
        import tomllib
        return tomllib
    import tomli   # the backport; a dependency on Python 3.10
    return tomli


def _bad(path, why: str, why_en: str) -> UsageError:
    return UsageError(f"Profil {path} tidak dapat dipakai: {why}.",
                      hint="Contoh isi profil ada di docs/panduan.md (bagian Profil instansi).",
                      en=f"Profile {path} cannot be used: {why_en}.",
                      hint_en="docs/panduan.md (section Profil instansi) shows an example.")


def load_profile(path: str | Path | None) -> Profile:
    """Read a profile file (TOML); ``None`` gives the empty profile. A missing or malformed
    file is a :class:`UsageError` naming the line when TOML can tell it."""
    if path is None:
        return Profile()
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise UsageError(f"Profil '{path}' tidak ditemukan.",
                         en=f"Profile '{path}' was not found.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise _bad(path, f"tidak bisa dibaca ({exc})", f"it cannot be read ({exc})") from None
    toml = _toml()
    try:
        data = toml.loads(text)
    except toml.TOMLDecodeError as exc:
        raise _bad(path, f"bukan TOML yang sah ({exc})", f"it is not valid TOML ({exc})") from None
    known = {"instansi", "wilayah", "tempat", "unit_order", "penandatangan", "tempat_unit"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise _bad(path, f"kunci tidak dikenal: {', '.join(unknown)} (yang dikenal: "
                   f"{', '.join(sorted(known))})", f"unknown keys: {', '.join(unknown)} "
                   f"(known: {', '.join(sorted(known))})")
    profile = Profile(path=str(path))
    for key in ("instansi", "wilayah", "tempat"):
        value = data.get(key, "")
        if not isinstance(value, str):
            raise _bad(path, f"'{key}' harus berupa teks", f"'{key}' must be text")
        setattr(profile, key, value.strip())
    order = data.get("unit_order", [])
    if not isinstance(order, list) or not all(isinstance(u, str) for u in order):
        raise _bad(path, "'unit_order' harus daftar nama unit", "'unit_order' must be a list "
                   "of unit names")
    profile.unit_order = [u.strip() for u in order if u.strip()]
    signers = data.get("penandatangan", [])
    if not isinstance(signers, list):
        raise _bad(path, "'penandatangan' harus ditulis sebagai [[penandatangan]]",
                   "'penandatangan' must be written as [[penandatangan]]")
    for number, item in enumerate(signers, start=1):
        if not isinstance(item, dict) or not isinstance(item.get("unit"), str) or \
                not all(isinstance(item.get(k, ""), str) for k in ("jabatan", "nama", "nip",
                                                                  "tempat")):
            raise _bad(path, f"penandatangan ke-{number} harus punya 'unit' dan teks 'jabatan',"
                       f" 'nama', 'nip'", f"signatory {number} needs 'unit' and text 'jabatan',"
                       f" 'nama', 'nip'")
        profile.signatories[item["unit"].strip().casefold()] = Signatory(
            item.get("jabatan", "").strip(), item.get("nama", "").strip(),
            item.get("nip", "").strip(), item.get("tempat", "").strip())
    places = data.get("tempat_unit", {})
    if not isinstance(places, dict) or not all(isinstance(v, str) for v in places.values()):
        raise _bad(path, "'tempat_unit' harus berisi nama unit = \"tempat\"",
                   "'tempat_unit' must hold unit name = \"place\"")
    profile.tempat_unit = {k.strip().casefold(): v.strip() for k, v in places.items()}
    return profile


# --- what the roster tells -------------------------------------------------------------------

_PLACE = re.compile(r"\b(?:Kabupaten|Kota|Kab\.)\s+(.+)$", re.I)
_REGION = re.compile(r"\b(Provinsi\s+.+|Kabupaten\s+.+|Kota\s+.+)$", re.I)


def place_of_unit(unit: str | None) -> str:
    """``Sekretariat Bawaslu Kabupaten Blitar`` -> ``Blitar``; ``""`` when the name does not
    say (a province office signs in its capital, which only the roster or profile know)."""
    match = _PLACE.search(unit or "")
    return match.group(1).strip() if match else ""


def region_of_unit(unit: str | None) -> str:
    """``Sekretariat Bawaslu Provinsi Jawa Timur`` -> ``Provinsi Jawa Timur``, else ``""``."""
    match = _REGION.search(unit or "")
    return match.group(1).strip() if match else ""


def unit_head(roster, unit: str):
    """The employee who heads ``unit`` according to the roster, or None.

    The head is the unit's employee whose assessor (NIP Penilai) is not in the unit — outside
    it, or nobody. When several qualify (a unit whose chain is cut), none is guessed.
    """
    if roster is None:
        return None
    staff = roster.employees_of(unit)
    nips = {emp.nip for emp in staff}
    heads = [emp for emp in staff if emp.nip_penilai not in nips or emp.nip_penilai == emp.nip]
    return heads[0] if len(heads) == 1 else None


def tempat_for(unit: str | None, roster=None, profile: Profile | None = None) -> str:
    """Where papers of ``unit`` are signed: the profile's, the roster's ``Tempat`` of the
    unit head (or of most of the unit), the place in the unit's name, else ``""``."""
    profile = profile or Profile()
    if unit is None:
        signer = profile.signatory(None)
        return (signer.tempat if signer else "") or profile.tempat
    found = profile.tempat_unit.get(unit.casefold())
    signer = profile.signatory(unit)
    if found or (signer and signer.tempat):
        return found or signer.tempat
    if roster is not None:
        head = unit_head(roster, unit)
        if head is not None and head.tempat:
            return head.tempat
        places = [emp.tempat for emp in roster.employees_of(unit) if emp.tempat]
        if places:
            return max(set(places), key=lambda p: (places.count(p), p))
    return place_of_unit(unit)


def signatory_for(unit: str | None, roster=None, profile: Profile | None = None) -> Signatory:
    """Who signs the report of ``unit`` (``None``: the province report).

    The profile's entry; else the unit head from the roster (for the province report: the
    head of the unit at the top of the roster's assessor chains, when there is exactly one);
    else an empty :class:`Signatory` (the paper prints dotted lines)."""
    profile = profile or Profile()
    found = profile.signatory(unit)
    if found is not None:
        return found
    head = top_head(roster) if unit is None else unit_head(roster, unit)
    if head is None:
        return Signatory(tempat=tempat_for(unit, roster, profile))
    return Signatory(head.jabatan, head.nama, head.nip,
                     tempat_for(unit if unit is not None else head.unit_kerja, roster, profile))


def top_head(roster):
    """The one employee of the roster without an assessor in it (the head of the whole
    organisation), or None when there is none or several."""
    if roster is None:
        return None
    nips = {emp.nip for emp in roster.employees}
    tops = [emp for emp in roster.employees
            if not emp.nip_penilai or emp.nip_penilai not in nips or emp.nip_penilai == emp.nip]
    return tops[0] if len(tops) == 1 else None


def instansi_of(roster=None, profile: Profile | None = None) -> str:
    """The agency name: the profile's, else the most common ``Instansi`` of the roster."""
    if profile is not None and profile.instansi:
        return profile.instansi
    if roster is None:
        return ""
    names = [emp.instansi for emp in roster.employees if emp.instansi]
    return max(set(names), key=lambda n: (names.count(n), n)) if names else ""


def wilayah_of(roster=None, profile: Profile | None = None, units=()) -> str:
    """What a province report covers (``Provinsi Jawa Timur``): the profile's, else the
    region named by the top unit of the roster, else by the one province-level unit among
    ``units``; ``""`` when nothing tells."""
    if profile is not None and profile.wilayah:
        return profile.wilayah
    head = top_head(roster)
    if head is not None and region_of_unit(head.unit_kerja):
        return region_of_unit(head.unit_kerja)
    provinces = {region_of_unit(u) for u in units if region_of_unit(u).lower().startswith(
        "provinsi")}
    return provinces.pop() if len(provinces) == 1 else ""


def unit_order(units, roster=None, profile: Profile | None = None) -> list[str]:
    """``units`` in the order people expect: the profile's ``unit_order``, else the order
    units first appear in the roster, then the rest by name."""
    rank: dict[str, int] = {}
    for name in (profile.unit_order if profile is not None else []):
        rank.setdefault(name.casefold(), len(rank))
    if roster is not None:
        for emp in roster.employees:
            if emp.unit_kerja:
                rank.setdefault(emp.unit_kerja.casefold(), len(rank))
    return sorted(units, key=lambda u: (u is None, rank.get((u or "").casefold(), len(rank)),
                                        (u or "").casefold()))
