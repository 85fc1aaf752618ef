"""Fuzz the race-data and scenario TOML readers: every mutant must load or fail with the project's own error.

Each mutant is one real file (sim/races/le-mans-1957/*.toml, or scenarios/*.toml) changed once: lines deleted,
duplicated or swapped, a value replaced (numbers by nan, inf, -1, 0, huge, 31.5 or a string; strings by numbers or
Unicode), random Unicode inserted, the file truncated or replaced by binary garbage. Race data is loaded with
:func:`sim.circuit.facts.load_facts` from a copy of the race's folder and planned with
:func:`sim.circuit.plan.build_plan`; a scenario is loaded and replayed with :func:`sim.circuit.scenario.apply` (the
real race is calibrated once, then cached). Any exception that is not a :class:`sim.errors.RaceReplayError` is
unexpected.

    python benchmarks/fuzz_toml.py [N] [SEED] [REPLAYS]   # prints fuzz_toml=N unexpected=M (N = 2,000, REPLAYS = 5)
"""

from __future__ import annotations

import random
import re
import shutil
import sys
import tempfile
import traceback
from collections import Counter
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sim.errors import RaceReplayError  # noqa: E402

RACE_ID = "le-mans-1957"
RACE_DIR = ROOT / "sim" / "races" / RACE_ID
RACE_FILES = ("race.toml", "events.toml", "checkpoints.toml", "conflicts.toml")
SCENARIO_FILES = tuple(sorted((ROOT / "scenarios").glob("*.toml")))
NUMBER_REPLACEMENTS = ("nan", "-nan", "inf", "-inf", "-1", "0", "1e308", "99999999999999999999", "31.5", "-0.0",
                       '"31"', "true", "[]", "{}", '"fourteen"', "0.0001", "5.0", "10000", "1e-300",
                       "9" * 5000, "[" * 3000 + "]" * 3000, "0x7fffffffffffffff", "1_000")
STRING_REPLACEMENTS = ("7", "3.5", "nan", '"٣١"', '"١٢:٠٠"', '"25:61"', '""', '"\u202e\u0000x"', '"日本語"', '["6"]',
                       '"6"', "true", '"leader"', '"P2"', '"99"', '"le-mans-1961"', '"../x"', '"24:00"', '"16:00"')
UNICODE = "é日\u200b\u202e\U0001f3ce\ufeff\x7f\u0660١٢\u00a0\ud7ff"
_NUMBER = re.compile(r"(?<![\w.\"-])-?\d+(?:\.\d+)?(?:e-?\d+)?(?![\w.:\"-])")
_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"')


def _lines(rng: random.Random, text: str) -> str:
    lines = text.split("\n")
    i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
    op = rng.choice(("delete", "duplicate", "swap", "delete-many"))
    if op == "delete":
        del lines[i]
    elif op == "duplicate":
        lines.insert(j, lines[i])
    elif op == "swap":
        lines[i], lines[j] = lines[j], lines[i]
    else:
        lo = min(i, j)
        del lines[lo: min(max(i, j) + 1, lo + 20)]
    return "\n".join(lines)


def _value(rng: random.Random, text: str) -> str:
    pattern, pool = ((_NUMBER, NUMBER_REPLACEMENTS) if rng.random() < 0.6 else (_STRING, STRING_REPLACEMENTS))
    matches = list(pattern.finditer(text))
    if not matches:
        return text
    m = rng.choice(matches)
    return text[: m.start()] + rng.choice(pool) + text[m.end():]


def _unicode(rng: random.Random, text: str) -> str:
    i = rng.randrange(len(text) + 1)
    junk = "".join(rng.choice(UNICODE) for _ in range(rng.randint(1, 4)))
    return text[:i] + junk + text[i:]


def mutate(rng: random.Random, data: bytes) -> bytes:
    """One mutation of a TOML file's bytes (the kind is drawn from `rng`)."""
    text = data.decode("utf-8")
    kind = rng.choices(("lines", "value", "unicode", "truncate", "garbage", "latin-1"), (25, 50, 8, 7, 5, 5))[0]
    if kind == "lines":
        return _lines(rng, text).encode("utf-8")
    if kind == "value":
        for _ in range(rng.choice((1, 1, 1, 2, 3))):
            text = _value(rng, text)
        return text.encode("utf-8")
    if kind == "unicode":
        return _unicode(rng, text).encode("utf-8", "surrogatepass")
    if kind == "truncate":
        return data[: rng.randrange(len(data) + 1)]
    if kind == "garbage":
        return bytes(rng.randrange(256) for _ in range(rng.randint(0, 200)))
    return text.replace("’", "é").encode("latin-1", "replace")  # a file saved in another encoding


def _race_context():
    from sim.circuit.facts import load_facts
    from sim.kinds import load_race
    from sim.pipeline import seed_text as _seed_text

    race = load_race(RACE_ID)
    seed_text = _seed_text(race)
    return race, seed_text, load_facts(race, seed_text)


def run_race_mutant(rng: random.Random, folder: Path, context, replays: list[int] | None = None) -> None:
    """Mutate one race-data file in a copy of the race's folder, then load and plan it.

    While `replays` (a one-item budget) is above 0, a mutant whose facts differ from the real ones is also
    calibrated and replayed (about two seconds: kept for a few mutants a run).
    """
    from sim.circuit.facts import load_facts
    from sim.circuit.plan import build_plan

    race, seed_text, real = context
    name = rng.choice(RACE_FILES)
    (folder / name).write_bytes(mutate(rng, (RACE_DIR / name).read_bytes()))
    try:
        facts = load_facts(race, seed_text, folder=folder)
        plan = build_plan(race, facts)
    finally:
        (folder / name).write_bytes((RACE_DIR / name).read_bytes())
    if replays and replays[0] > 0 and replace(facts, folder=real.folder) != real:
        replays[0] -= 1
        _replay(race, facts, plan)


def _replay(race, facts, plan) -> None:
    """The rest of :func:`sim.pipeline.prepare` and the replay, for one mutant."""
    from sim.circuit.calibrate import DEFAULT_SEED, calibrate
    from sim.pipeline import replay_plan

    calibration = calibrate(plan, race.statistics["fastest_lap_s"], DEFAULT_SEED)
    replay_plan(race, facts, plan, calibration)


def run_scenario_mutant(rng: random.Random, folder: Path) -> None:
    """Mutate one shipped scenario, then load it and replay it."""
    from sim.pipeline import apply_scenario as apply
    from sim.pipeline import load_scenario

    source = rng.choice(SCENARIO_FILES)
    path = folder / source.name
    path.write_bytes(mutate(rng, source.read_bytes()))
    apply(load_scenario(path))


def _where(exc: BaseException) -> str:
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if "fuzz_toml" not in f.filename]
    last = frames[-1] if frames else None
    return (f"{type(exc).__name__} at {Path(last.filename).name}:{last.lineno} ({last.name})" if last
            else type(exc).__name__)


def fuzz_toml(n: int, seed: int = 0, failures: Counter | None = None, replays: int = 3) -> tuple[int, int]:
    """Run `n` mutants (about 60% race data, the rest scenarios); returns (n, unexpected exceptions).

    The first `replays` race-data mutants that load with changed facts are calibrated and replayed too.
    `failures`, if given, counts the unexpected exceptions by type and code location.
    """
    rng = random.Random(seed)
    context = _race_context()
    budget = [replays]
    unexpected = 0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / RACE_ID
        shutil.copytree(RACE_DIR, folder)
        scenarios = Path(tmp) / "scenarios"
        scenarios.mkdir()
        for _ in range(n):
            try:
                if rng.random() < 0.6:
                    run_race_mutant(rng, folder, context, budget)
                else:
                    run_scenario_mutant(rng, scenarios)
            except RaceReplayError:
                pass
            except Exception as exc:  # noqa: BLE001 - counting what the readers let through is the point
                unexpected += 1
                if failures is not None:
                    failures[_where(exc)] += 1
    return n, unexpected


def main(argv: list[str]) -> int:
    n = int(argv[0]) if argv else 2000
    seed = int(argv[1]) if len(argv) > 1 else 0
    failures: Counter = Counter()
    n, unexpected = fuzz_toml(n, seed, failures, replays=int(argv[2]) if len(argv) > 2 else 5)
    for where, count in failures.most_common():
        print(f"  {count:5d}  {where}")
    print(f"fuzz_toml={n} unexpected={unexpected}")
    return 1 if unexpected else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
