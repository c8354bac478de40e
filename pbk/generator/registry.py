"""The registry: institutions (K/L by bagian anggaran, pemda) with their work units (satker, SKPD)
and, for central ones, their programs and kegiatan. Built first, small, from one random stream."""
from __future__ import annotations

import random
from dataclasses import dataclass, field

from base.codes import REGIONAL_WORK_UNIT
from pbk.generator.vocabulary import (ACTIVITY_PATTERNS, BA_TOPICS, CORE_OPD, DIRECTIONS,
                                      DUKMAN_ACTIVITIES, JOINED_PREFIXES, KECAMATAN_NAMES,
                                      PLACE_PREFIXES, PLACE_SUFFIXES, PROGRAM_PATTERNS, PROVINCES,
                                      REAL_BA, REAL_PEMDA, REGIONAL_OPD, SYNTHETIC_BA_KINDS,
                                      SYNTHETIC_BA_ROMAN, TECH_TOPICS)

# OPD whose UPTD (regional technical units) carry a province's extra work units
UPTD_PARENTS = tuple(o for o in REGIONAL_OPD
                     if o[2] == 1 and o[:2] in {(1, 1), (1, 2), (1, 3), (2, 11), (2, 15), (3, 27)})
MAX_CENTRAL_INSTANSI, MAX_CENTRAL_UNITS = 900, 998     # BA 3 digits (999 kept unused); satker 3 digits
MAX_REGIONAL_INSTANSI, MAX_REGIONAL_UNITS = 3000, 120  # kab/kota 2 digits per province; SKPD unit 2 digits
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")


@dataclass
class Activity:
    code: str
    name: str
    topic: str


@dataclass
class Program:
    code: str
    name: str
    topic: str
    activities: list[Activity]


@dataclass
class WorkUnit:
    serial: int
    code: str  # canonical: satker '019012', or pemda + SIPD kode_skpd '32.73.1.02.0.00.0.00.01.0000'
    name: str
    # regional only: urusan/bidang of the SKPD and its topic
    urusan: int = 0
    bidang: int = 0
    topic: str = ""
    # the code of generator version 1 ('32.73.1.02.01'), kept in indicator codes so they stay as
    # they were
    legacy_code: str = ""


@dataclass
class Instansi:
    code: str  # canonical: BA '019', or Kemendagri pemda code '32' / '32.73'
    name: str
    gov_level: str
    units: list[WorkUnit] = field(default_factory=list)
    programs: list[Program] = field(default_factory=list)  # central: dukman (WA) first
    is_province: bool = False
    blank_funding: bool = False  # regional exports without sumber dana
    # the code of generator version 1 (BPS-style '3200' / '3273' for a pemda): it seeds random
    # streams and is kept in SP2D numbers and indicator codes, so the data stay those of version 1
    legacy_code: str = ""

    def __post_init__(self):
        self.legacy_code = self.legacy_code or self.code


def pemda_code(legacy: str) -> str:
    """BPS-style '3273' -> Kemendagri '32.73'; a province '3200' -> '32'."""
    return legacy[:2] if legacy.endswith("00") else f"{legacy[:2]}.{legacy[2:]}"


def _split_sizes(rnd: random.Random, total: int, parts: int, cap: int) -> list[int]:
    """Sizes >= 1 summing to total, uneven like real institutions, none above cap."""
    weights = [rnd.lognormvariate(0.0, 0.6) for _ in range(parts)]
    scale = (total - parts) / sum(weights)
    sizes = [1 + int(w * scale) for w in weights]
    order = sorted(range(parts), key=lambda i: -weights[i])
    short = total - sum(sizes)
    for i in range(short):  # hand out the rounding remainder to the biggest
        sizes[order[i % parts]] += 1
    for i in range(parts):  # move any excess over the cap to the smallest ones
        while sizes[i] > cap:
            j = min(range(parts), key=sizes.__getitem__)
            sizes[i] -= 1
            sizes[j] += 1
    return sizes


def _two_letter_codes(rnd: random.Random, count: int) -> list[str]:
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    pool = [a + b for a in letters for b in letters if a + b != "WA"]
    return rnd.sample(pool, count)


def _central_instansi(rnd: random.Random, count: int) -> list[Instansi]:
    real = rnd.sample(REAL_BA, min(count, len(REAL_BA)))
    topics_of = dict(BA_TOPICS)
    extra = count - len(real)
    if extra > 0:
        used = {code for code, _ in REAL_BA}
        free_codes = [f"{i:03d}" for i in range(1, 999) if f"{i:03d}" not in used]  # 999 = unknown
        names = [(f"{kind} {topic}{roman}", topic) for roman in SYNTHETIC_BA_ROMAN
                 for kind in SYNTHETIC_BA_KINDS for topic in TECH_TOPICS]
        for code, (name, topic) in zip(rnd.sample(free_codes, extra), names):
            real.append((code, name))
            topics_of[code] = (topic,)
    result = []
    for code, name in sorted(real):
        inst = Instansi(code, name, "pusat")
        dukman = [Activity("", n, "Dukungan Manajemen") for n in DUKMAN_ACTIVITIES[: rnd.randint(2, 4)]]
        inst.programs.append(Program(f"{code}.01.WA", "Program Dukungan Manajemen", "Dukungan Manajemen",
                                     dukman))
        n_tech = rnd.randint(2, 4)
        hinted = topics_of.get(code, ())[:n_tech]
        others = [t for t in TECH_TOPICS if t not in hinted]
        topics = list(hinted) + rnd.sample(others, n_tech - len(hinted))
        for eselon, (letters, topic) in enumerate(zip(_two_letter_codes(rnd, n_tech), topics), start=2):
            pattern = PROGRAM_PATTERNS[rnd.randrange(len(PROGRAM_PATTERNS))]
            patterns = rnd.sample(ACTIVITY_PATTERNS, rnd.randint(2, 5))
            inst.programs.append(Program(f"{code}.{eselon:02d}.{letters}", f"Program {pattern} {topic}",
                                         topic, [Activity("", f"{p} {topic}", topic) for p in patterns]))
        activities = [a for p in inst.programs for a in p.activities]
        for activity, number in zip(activities, sorted(rnd.sample(range(1000, 7000), len(activities)))):
            activity.code = str(number)
        result.append(inst)
    return result


def _place_name(prefix: str, suffix: str) -> str:
    return prefix + suffix.lower() if prefix in JOINED_PREFIXES else f"{prefix} {suffix}"


def _pemda_candidates(rnd: random.Random, count: int) -> list[tuple[str, str, bool]]:
    """(pemda code, name, is_province): provinces and real kabupaten/kota first, then invented ones."""
    real = [(f"{p}00", f"Provinsi {n}", True) for p, n in PROVINCES]
    real += [(code, name, False) for code, name in REAL_PEMDA]
    chosen = rnd.sample(real, min(count, len(real)))
    if count > len(chosen):
        used = {code for code, _, _ in real}
        names = [_place_name(pre, suf) + direction + roman
                 for roman in ("", *(f" {r}" for r in ROMAN)) for direction in DIRECTIONS
                 for pre in PLACE_PREFIXES for suf in PLACE_SUFFIXES]
        # kabupaten are numbered 01-69 and kota 71-99 within their province
        free = [f"{p}{n:02d}" for p, _ in PROVINCES for n in (*range(1, 70), *range(71, 100))
                if f"{p}{n:02d}" not in used]
        extra = count - len(chosen)
        for code, name in zip(sorted(rnd.sample(free, extra)), names):
            chosen.append((code, f"{'Kota' if code[2] >= '7' else 'Kabupaten'} {name}", False))
    return sorted(chosen)


def _regional_instansi(rnd: random.Random, count: int) -> list[Instansi]:
    result = []
    for legacy, name, is_province in _pemda_candidates(rnd, count):
        inst = Instansi(pemda_code(legacy), name, "daerah", is_province=is_province,
                        legacy_code=legacy)
        inst.blank_funding = rnd.random() < 0.1
        result.append(inst)
    return result


def _add_central_units(rnd: random.Random, inst: Instansi, size: int, serial: int) -> int:
    numbers = sorted(rnd.sample(range(1, 999), size))
    short = inst.name
    for i, number in enumerate(numbers):
        if i == 0:
            head = "Sekretariat Jenderal" if short.startswith("Kementerian") else "Sekretariat Utama"
            name = f"{head} {short}"
        elif i <= 3:
            topic = inst.programs[1 + (i - 1) % (len(inst.programs) - 1)].topic
            head = "Direktorat Jenderal" if short.startswith("Kementerian") else "Deputi Bidang"
            name = f"{head} {topic}"
        elif i % 2 == 0:
            name = f"Kantor Wilayah {short} Provinsi {PROVINCES[rnd.randrange(len(PROVINCES))][1]}"
        else:
            topic = inst.programs[1 + rnd.randrange(len(inst.programs) - 1)].topic
            place = REAL_PEMDA[rnd.randrange(len(REAL_PEMDA))][1].split(" ", 1)[1]
            name = f"Balai {topic} {place}"
        code = f"{inst.code}{number:03d}"
        inst.units.append(WorkUnit(serial, code, name, legacy_code=code))
        serial += 1
    return serial


def _add_regional_units(rnd: random.Random, inst: Instansi, size: int, serial: int) -> int:
    prov, kab = inst.legacy_code[:2], inst.legacy_code[2:]
    optional = REGIONAL_OPD[CORE_OPD:]
    opds = list(REGIONAL_OPD[:CORE_OPD]) + rnd.sample(optional, len(optional))
    chosen = opds[:size]
    for extra in range(size - len(chosen)):  # beyond the OPD list: kecamatan or UPTD
        if inst.is_province:
            urusan, bidang, _, _, topic = UPTD_PARENTS[extra % len(UPTD_PARENTS)]
            wave = extra // len(UPTD_PARENTS)
            chosen.append((urusan, bidang, 3 + wave, f"UPTD {topic} Wilayah {ROMAN[wave % len(ROMAN)]}",
                           topic))
        else:
            place = KECAMATAN_NAMES[extra % len(KECAMATAN_NAMES)]
            suffix = f" {ROMAN[extra // len(KECAMATAN_NAMES)]}" if extra >= len(KECAMATAN_NAMES) else ""
            chosen.append((7, 1, extra + 1, f"Kecamatan {place}{suffix}",
                           "Penyelenggaraan Pemerintahan Kecamatan"))
    for urusan, bidang, number, opd_name, topic in sorted(chosen, key=lambda o: o[:3]):
        code = f"{inst.code}.{_kode_skpd(urusan, bidang, number)}"
        inst.units.append(WorkUnit(serial, code, f"{opd_name} {inst.name}", urusan, bidang, topic,
                                   legacy_code=f"{prov}.{kab}.{urusan}.{bidang:02d}.{number:02d}"))
        serial += 1
    codes = [unit.code for unit in inst.units]
    if len(set(codes)) != len(codes) or not all(REGIONAL_WORK_UNIT.match(c) for c in codes):
        raise RuntimeError(f"SKPD codes of pemda {inst.code} repeat or are malformed")
    return serial


def _kode_skpd(urusan: int, bidang: int, number: int) -> str:
    """SIPD's 22-character SKPD code: urusan.bidang, two unused urusan.bidang pairs, organisation
    (2 digits), unit (4 digits). A kecamatan is a unit of the one kecamatan organisation."""
    if (urusan, bidang) == (7, 1):
        return f"7.01.0.00.0.00.01.{number:04d}"
    return f"{urusan}.{bidang:02d}.0.00.0.00.{number:02d}.0000"


def build_registry(seed: int, scale: float) -> list[Instansi]:
    """Institutions with their work units (central first, then regional), deterministic."""
    rnd = random.Random(f"{seed}:registry")
    n_units = max(20, round(20000 * scale))
    n_instansi = max(4, round(n_units / 20))
    # 3-digit BA codes and 2-digit kabupaten numbers bound the institution counts; beyond that
    # (SF > 2) institutions just get more work units each.
    n_central = min(n_instansi // 2, MAX_CENTRAL_INSTANSI)
    n_regional = min(n_instansi - n_instansi // 2, MAX_REGIONAL_INSTANSI)
    n_central_units, n_regional_units = n_units // 2, n_units - n_units // 2
    if (n_central_units > n_central * MAX_CENTRAL_UNITS
            or n_regional_units > n_regional * MAX_REGIONAL_UNITS):
        raise ValueError(f"scale {scale} is beyond what the code formats can hold")
    central = _central_instansi(rnd, n_central)
    regional = _regional_instansi(rnd, n_regional)
    serial = 0
    for inst, size in zip(central, _split_sizes(rnd, n_central_units, n_central, MAX_CENTRAL_UNITS)):
        serial = _add_central_units(rnd, inst, size, serial)
    for inst, size in zip(regional, _split_sizes(rnd, n_regional_units, n_regional, MAX_REGIONAL_UNITS)):
        serial = _add_regional_units(rnd, inst, size, serial)
    return central + regional
