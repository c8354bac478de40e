"""The outputs of a work unit, with their program and kegiatan: rincian output (KRO.RO) of a
satker, sub-kegiatan of an SKPD. Each output has an archetype (pegawai, ops, tek, modal, bansos,
hibah) that decides which accounts its budget lines use."""
from __future__ import annotations

import random
from dataclasses import dataclass

from pbk.generator.registry import Instansi, WorkUnit
from pbk.generator.vocabulary import (ACTIVITY_PATTERNS, BANSOS_BIDANG, BANSOS_TOPICS,
                                      DUKMAN_OUTPUTS, HIBAH_BIDANG, PENUNJANG_ACTIVITIES,
                                      PROGRAM_PATTERNS, SUB_ACTIVITY_PATTERNS, TECH_KRO)


@dataclass
class Output:
    program_code: str
    program_name: str
    activity_code: str
    activity_name: str
    code: str
    name: str
    archetype: str


def central_outputs(rnd: random.Random, inst: Instansi) -> list[Output]:
    outputs = []
    dukman = inst.programs[0]
    activities = rnd.sample(dukman.activities, min(len(dukman.activities), rnd.randint(1, 2)))
    picked = [DUKMAN_OUTPUTS[0]] + rnd.sample(DUKMAN_OUTPUTS[1:], rnd.randint(5, 9))
    for i, (ro, name, archetype) in enumerate(picked):
        act = activities[i % len(activities)]
        outputs.append(Output(dukman.code, dukman.name, act.code, act.name, f"{act.code}.{ro}",
                              name, archetype))
    # one KRO.RO per satker whatever its kegiatan, as in version 1 (the draws depend on it)
    used = {ro for ro, _name, _archetype in picked}
    tech_programs = rnd.sample(inst.programs[1:], min(len(inst.programs) - 1, rnd.randint(1, 2)))
    for program in tech_programs:
        kro = [k for k in TECH_KRO if k[2] != "bansos" or program.topic in BANSOS_TOPICS]
        kro_weights = [k[3] for k in kro]
        for act in rnd.sample(program.activities, min(len(program.activities), rnd.randint(1, 3))):
            families = rnd.choices(kro, weights=kro_weights, k=2)
            for _ in range(rnd.randint(3, 6)):
                letters, kro_name, archetype, _w = families[rnd.randrange(2)]
                ro = f"{letters}.{rnd.randint(1, 999):03d}"
                if ro in used:
                    continue
                used.add(ro)
                outputs.append(Output(program.code, program.name, act.code, act.name,
                                      f"{act.code}.{ro}", f"{kro_name} {act.topic}", archetype))
    return outputs


def regional_outputs(rnd: random.Random, inst: Instansi, unit: WorkUnit) -> list[Output]:
    outputs = []
    level_digit = 1 if inst.is_province else 2
    base = f"{unit.urusan}.{unit.bidang:02d}"
    support_program = f"{base}.01"
    support_name = ("Program Penunjang Urusan Pemerintahan Daerah "
                    + ("Provinsi" if inst.is_province else "Kabupaten/Kota"))
    activities = [PENUNJANG_ACTIVITIES[1]] + rnd.sample(
        [a for a in PENUNJANG_ACTIVITIES if a[0] != 2], rnd.randint(3, 5))
    for number, act_name, subs in sorted(activities):
        act_code = f"{support_program}.{level_digit}.{number:02d}"
        if number == 2:
            chosen = subs
        else:
            chosen = sorted(rnd.sample(subs, rnd.randint(1, len(subs))))
        for sub_no, sub_name, archetype in chosen:
            outputs.append(Output(support_program, support_name, act_code, act_name,
                                  f"{act_code}.{sub_no:04d}", sub_name, archetype))
    allowed = {"tek", "modal"}
    allowed |= {"bansos"} if (unit.urusan, unit.bidang) in BANSOS_BIDANG else set()
    allowed |= {"hibah"} if (unit.urusan, unit.bidang) in HIBAH_BIDANG else set()
    patterns = [p for p in SUB_ACTIVITY_PATTERNS if p[1] in allowed]
    sub_weights = [p[2] for p in patterns]
    for prog_no in range(2, 2 + rnd.randint(1, 3)):
        prog_code = f"{base}.{prog_no:02d}"
        prog_name = f"Program {PROGRAM_PATTERNS[prog_no % len(PROGRAM_PATTERNS)]} {unit.topic}"
        for act_no in sorted(rnd.sample(range(1, 10), rnd.randint(1, 3))):
            act_code = f"{prog_code}.{level_digit}.{act_no:02d}"
            act_name = f"{ACTIVITY_PATTERNS[(prog_no + act_no) % len(ACTIVITY_PATTERNS)]} {unit.topic}"
            for sub_no in sorted(rnd.sample(range(1, 30), rnd.randint(2, 5))):
                pattern, archetype, _w = rnd.choices(patterns, weights=sub_weights)[0]
                outputs.append(Output(prog_code, prog_name, act_code, act_name,
                                      f"{act_code}.{sub_no:04d}", f"{pattern} {unit.topic}",
                                      archetype))
    return outputs
