"""The pipeline in one call: source document -> race facts -> plan -> calibration -> SimPy replay -> event log.

The race's kind (:mod:`sim.kinds`) chooses the functions of each step. Calibration, the slow step, is cached in
memory and on disk (:mod:`sim.cache`), keyed by the race files' content, the seed and the code.

>>> replay = run_replay(race_id)          # doctest: +SKIP
>>> replay.standings(at="21:00").head()          # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path

from sim import cache, kinds
from sim.errors import ScenarioError
from sim.kinds import load_race
from sim.racekind import refuses
from sim.records import Race
from sim.replays import DEFAULT_SEED, Replay, replay_of
from sim.sources import race_ids
from sim.tomlfile import read_toml


def seed_text(race: Race) -> str:
    return Path(race.source_file).read_text(encoding="utf-8")


_CALIBRATED: dict[str, tuple] = {}  # cache key -> (plan, calibration): this process's calibrations, by content
_KEEP = 16


def prepare(race_id: str, seed: int = DEFAULT_SEED, use_cache: bool = True) -> tuple:
    """Parse, load the facts, plan and calibrate, through the race's kind.

    Calibrations are kept in memory and on disk (:mod:`sim.cache`) under a key of the race files' content, the seed
    and the code, so an edited file is recalibrated; ``use_cache=False`` (or ``RACE_REPLAY_NO_CACHE=1``) always
    recalibrates. An entry on disk is data: it may build only the dataclasses the kind's ``prepare`` declares it
    returns (and those their fields declare), and refers to the race's facts, loaded here, by name.
    """
    race = load_race(race_id)
    kind = kinds.replay_kind(race)
    facts = kind.facts(race, seed_text(race))
    key = cache.key(race, facts, seed)
    use_cache = use_cache and cache.enabled()
    allowed, known = cache.allowed_types(kind.prepare), {"facts": facts}  # what an entry may build, or refer to
    found = (_CALIBRATED.get(key) or cache.load(key, allowed, known)) if use_cache else None
    if found is None:
        found = kind.prepare(race, facts, seed)
        if use_cache:
            cache.store(key, found, allowed, known)
    if len(_CALIBRATED) >= _KEEP:
        _CALIBRATED.pop(next(iter(_CALIBRATED)))
    _CALIBRATED[key] = found
    return race, facts, *found


def forget_calibrations() -> None:
    """Drop this process's calibrations (the disk cache stays): the next replay reads it, as a new process would."""
    _CALIBRATED.clear()


def replay_plan(race: Race, facts, plan, calibration, label: str = "real race", paces: dict | None = None) -> Replay:
    """Run the replay of a plan with a calibration's paces (or the `paces` given, for a what-if)."""
    return replay_of(kinds.replay_kind(race).replay, race, facts, plan, calibration, label, paces)


def run_replay(race: str | Path, seed: int | None = None, use_cache: bool = True) -> Replay:
    """Replay a race (a race id or the path of a document) as the sources tell it."""
    race_id, seed = str(race), DEFAULT_SEED if seed is None else seed
    parsed, facts, plan, calibration = prepare(race_id, seed, use_cache)
    return replay_plan(parsed, facts, plan, calibration)


def what_if(race: str | Path, scenario, seed: int = DEFAULT_SEED, use_cache: bool = True) -> Replay:
    """The what-if `scenario` (a file of the race's kind, or one already loaded) of a race, on its calibration."""
    parsed = load_race(race)
    kind = kinds.replay_kind(parsed)
    if refuses(kind.load_scenario):
        kind.load_scenario(parsed)
    loaded = kind.load_scenario(scenario) if isinstance(scenario, (str, Path)) else scenario
    if loaded.race != str(race):
        raise ScenarioError(f"the scenario is for {loaded.race}, not {race}", file=loaded.file, key="scenario.race",
                            value=loaded.race)
    return kind.apply_scenario(loaded, *prepare(str(race), seed, use_cache))


def anchor_ids(race: str | Path, seed: int = DEFAULT_SEED) -> list[str]:
    """Every anchor of the race's plan, in the order of the cars (a circuit's: other kinds refuse)."""
    parsed, _, plan, _ = prepare(str(race), seed)
    kind = kinds.replay_kind(parsed)
    if refuses(kind.anchor_dependence):
        kind.anchor_dependence(parsed)
    return [a.event_id for car in plan.cars for a in car.anchors]


def anchor_dependence(race: str | Path, seed: int = DEFAULT_SEED, anchors: list[str] | None = None) -> list:
    """For each anchor (default: all), the checkpoints whose status changes when it is taken out."""
    parsed, facts, plan, calibration = prepare(str(race), seed)
    return kinds.replay_kind(parsed).anchor_dependence(parsed, facts, plan, calibration, anchors)


def forecast(race, runs: int | None = None, seed: int | None = None, workers: int | None = None,
             progress: bool | None = None):
    """Forecast a race known only from its practice timesheet (an id, a path or a parsed race): `runs` races from
    `seed` (the kind's defaults when None), with the reliability learnt from the replay its race data names."""
    parsed = race if isinstance(race, Race) else load_race(race)
    kind = kinds.forecast_kind(parsed)
    learnt_from = run_replay(kind.forecast_source(parsed))
    options = {k: v for k, v in (("runs", runs), ("seed", seed)) if v is not None}
    return kind.forecast(parsed, learnt_from, workers=workers, progress=progress, **options)


def apply_scenario(scenario, seed: int = DEFAULT_SEED, use_cache: bool = True) -> Replay:
    """The what-if of a loaded scenario (:func:`load_scenario`) on the calibration of the race it names."""
    if scenario.race not in race_ids():
        raise ScenarioError(f"names no race (known: {', '.join(race_ids())})", file=scenario.file, key="scenario.race",
                            value=scenario.race)
    return what_if(scenario.race, scenario, seed, use_cache)


def load_scenario(path: str | Path):
    """Read and check a what-if scenario file with the reader of its race's kind (the race its ``[scenario]`` names;
    a file that names none is read by the first kind that has what-ifs, whose errors say what is wrong)."""
    readers = [k.load_scenario for k in kinds.KINDS.values() if not refuses(k.load_scenario)]
    race = _scenario_race(Path(path))
    if race is not None:
        return kinds.kind_of(load_race(race)).load_scenario(path)
    return readers[0](path)


def _scenario_race(path: Path) -> str | None:
    """The race a scenario file names, if it names a known one (the reader checks the rest)."""
    try:
        race = read_toml(path, ScenarioError, "scenario file not found").get("scenario", {}).get("race")
    except (ScenarioError, AttributeError):
        return None
    return race if isinstance(race, str) and race in race_ids() else None
