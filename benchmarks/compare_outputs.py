"""Do the three seed runs still write the bytes recorded in tests/data/outputs_before_refactor.json?

Runs the commands recorded there (`race-replay run le-mans-1957 --draws 200`, `run mille-miglia-1957`,
`forecast le-mans-1961`) into a temporary folder, with a fresh calibration cache and MPLBACKEND=Agg, and compares
the sha256 of every file with the recorded one; run.json (which holds the command line) and the folder's lock (a dot
file) are left out.

Prints one line per race, `race=<id> same=N differ=M missing=K extra=L`, then the names of the files that differ,
are missing or are extra; exits 1 if anything does. Images and replay.html also depend on the installed matplotlib
and plotly: the versions they were recorded with are in the JSON.
`--record` rewrites the JSON from a fresh run, for a change that is meant to change the output.
Run: `.venv/bin/python benchmarks/compare_outputs.py [--record]`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RECORDED = ROOT / "tests" / "data" / "outputs_before_refactor.json"
COMMANDS = {  # the arguments of each seed run, without --out
    "le-mans-1957": ["run", "le-mans-1957", "--draws", "200"],
    "mille-miglia-1957": ["run", "mille-miglia-1957"],
    "le-mans-1961": ["forecast", "le-mans-1961"],
}
NOT_COMPARED = {"run.json"}  # holds the command line and the output folder


def compared(path: Path) -> bool:
    """An output of the run: not run.json, nor the folder's lock or pending manifest (dot files, not outputs)."""
    return path.is_file() and path.name not in NOT_COMPARED and not path.name.startswith(".")


def digests(folder: Path) -> dict[str, dict]:
    """sha256 and size of every file the run wrote, by name, run.json and the folder's dot files left out."""
    return {p.name: {"sha256": hashlib.sha256(p.read_bytes()).hexdigest(), "bytes": p.stat().st_size}
            for p in sorted(folder.iterdir()) if compared(p)} if folder.is_dir() else {}


def race_replay() -> list[str]:
    """The installed `race-replay` next to this interpreter, else `python -m sim`."""
    script = Path(sys.executable).parent / "race-replay"
    return [str(script)] if script.exists() else [sys.executable, "-m", "sim"]


def run(args: list[str], out: Path, cache: Path) -> str:
    """Runs one command into `out`; '' if it succeeded, else its exit status and the last line it printed on stderr."""
    env = {**os.environ, "MPLBACKEND": "Agg", "RACE_REPLAY_CACHE": str(cache)}
    env.pop("RACE_REPLAY_NO_CACHE", None)
    done = subprocess.run([*race_replay(), *args, "--out", str(out)], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True)
    last = (done.stderr.strip().splitlines() or [""])[-1]
    return f"exit {done.returncode}: {last}" if done.returncode else ""


def compare(want: dict[str, dict], got: dict[str, dict]) -> dict[str, list[str]]:
    """File names by outcome: same, differ, missing (recorded, not written), extra (written, not recorded)."""
    common = sorted(want.keys() & got.keys())
    return {"same": [n for n in common if want[n]["sha256"] == got[n]["sha256"]],
            "differ": [n for n in common if want[n]["sha256"] != got[n]["sha256"]],
            "missing": sorted(want.keys() - got.keys()), "extra": sorted(got.keys() - want.keys())}


def recording(folders: dict[str, Path], why: str) -> dict:
    """The JSON that records the outputs in `folders` (one per race), with this interpreter's matplotlib and plotly."""
    return {"why": why, "matplotlib": version("matplotlib"), "plotly": version("plotly"),
            "races": {race: {"args": COMMANDS[race], "files": digests(folder)} for race, folder in folders.items()}}


def write(recorded: dict) -> None:
    RECORDED.write_text(json.dumps(recorded, indent=1) + "\n", encoding="utf-8")


def fresh_runs(work: Path, races: dict[str, list[str]]) -> tuple[dict[str, Path], dict[str, str]]:
    """Each race's output folder under `work` (one fresh calibration cache for all), and the runs that failed."""
    folders = {race: work / race for race in races}
    failed = {race: run(args, folders[race], work / "cache") for race, args in races.items()}
    return folders, {race: why for race, why in failed.items() if why}


def report(race: str, outcome: dict[str, list[str]], failed: str) -> bool:
    """Prints the race's line and what is not the same; True if everything is."""
    print(f"race={race} " + " ".join(f"{k}={len(v)}" for k, v in outcome.items()))
    if failed:
        print(f"  run failed: {failed}")
    for kind in ("differ", "missing", "extra"):
        for name in outcome[kind]:
            print(f"  {kind}: {name}")
    return not (failed or outcome["differ"] or outcome["missing"] or outcome["extra"])


def record(why: str | None) -> int:
    old = json.loads(RECORDED.read_text(encoding="utf-8")) if RECORDED.exists() else {}
    if not (why or old.get("why")):
        sys.exit("--record needs --why the first time")
    with tempfile.TemporaryDirectory(prefix="compare-outputs-") as work:
        folders, failed = fresh_runs(Path(work), COMMANDS)
        if failed:
            sys.exit("not recorded: " + "; ".join(f"{race} {why}" for race, why in failed.items()))
        write(recording(folders, why or old["why"]))
    print(f"recorded {len(COMMANDS)} runs in {RECORDED}")
    return 0


def check() -> int:
    recorded = json.loads(RECORDED.read_text(encoding="utf-8"))
    installed = {name: version(name) for name in ("matplotlib", "plotly")}
    for name, v in installed.items():
        if recorded[name] != v:
            print(f"note: recorded with {name} {recorded[name]}, installed {v}: images and replay.html may differ")
    with tempfile.TemporaryDirectory(prefix="compare-outputs-") as work:
        folders, failed = fresh_runs(Path(work), {race: r["args"] for race, r in recorded["races"].items()})
        same = [report(race, compare(recorded["races"][race]["files"], digests(folder)), failed.get(race, ""))
                for race, folder in folders.items()]
    return 0 if all(same) else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--record", action="store_true", help="rewrite the JSON from a fresh run")
    parser.add_argument("--why", help="with --record: why the output changed (kept in the JSON)")
    options = parser.parse_args()
    return record(options.why) if options.record else check()


if __name__ == "__main__":
    sys.exit(main())
