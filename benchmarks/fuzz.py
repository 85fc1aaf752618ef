"""Fuzz: read 20,000 seeded mutants of the seed documents as `race-replay entries` and `inspect` do.

Every mutant must be read or refused with one of the project's errors (a RaceReplayError); any
other exception is unexpected. Prints the unexpected exceptions grouped by type and place in the
code, then `fuzz_documents=N unexpected=M`; then the known-answer mutants of issue 23 (blank and garbage lines
inside tables must keep every row, duplicate car numbers and numbers with an exponent, a sign or a decimal must be
refused): `fuzz_known=N unexpected=M` and `silent_row_drops=K`. The same --seed gives the same documents.
Run: `make fuzz` or `.venv/bin/python benchmarks/fuzz.py [--documents N] [--seed S]`.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))  # the shared mutation engine

from fuzzing import Unexpected, fuzz, fuzz_known  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))  # fuzz_toml beside this script

DOCUMENTS = 20_000
KNOWN = 2_000  # known-answer mutants (issue 23): stray lines in tables, duplicate numbers, glued numbers
TOML_FILES = 2000
SEED = 8


def fuzz_documents(n: int, seed: int) -> tuple[int, list[Unexpected]]:
    """Read ``n`` mutated seed documents; (n, the unexpected exceptions)."""
    with tempfile.TemporaryDirectory(prefix="race-replay-fuzz-") as directory:
        return n, fuzz(n, seed, Path(directory))


def report(what: str, n: int, unexpected: list[Unexpected]) -> None:
    """The unexpected exceptions grouped by (type, place), most frequent first, then the figure."""
    groups: dict[tuple[str, str], list[Unexpected]] = defaultdict(list)
    for problem in unexpected:
        groups[(problem.kind, problem.where)].append(problem)
    for (kind, where), problems in sorted(groups.items(), key=lambda item: -len(item[1])):
        example = problems[0]
        print(f"{len(problems):6d}  {kind} at {where}: {example.message!r} (e.g. {example.document})")
    print(f"fuzz_{what}={n} unexpected={len(unexpected)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=DOCUMENTS, help="mutated documents to read")
    parser.add_argument("--known", type=int, default=KNOWN,
                        help="known-answer mutants: stray lines in tables (0 silent row drops), duplicate numbers, "
                             "numbers with an exponent, sign or decimal")
    parser.add_argument("--toml", type=int, default=TOML_FILES, help="mutated race-data and scenario TOML files")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)  # the per-race anomaly warnings would drown the report
    started = time.perf_counter()
    n, unexpected = fuzz_documents(args.documents, args.seed)
    print(f"# {n} documents in {time.perf_counter() - started:.1f} s (seed {args.seed})")
    report("documents", n, unexpected)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="race-replay-fuzz-") as directory:
        wrong = fuzz_known(args.known, args.seed, Path(directory))
    print(f"# {args.known} known-answer documents in {time.perf_counter() - started:.1f} s (seed {args.seed})")
    drops = sum(u.kind == "SilentRowDrop" for u in wrong)
    report("known", args.known, wrong)
    print(f"silent_row_drops={drops}")
    from collections import Counter

    from fuzz_toml import fuzz_toml

    started, failures = time.perf_counter(), Counter()
    n_toml, unexpected_toml = fuzz_toml(args.toml, args.seed, failures, replays=5)
    print(f"# {n_toml} TOML files in {time.perf_counter() - started:.1f} s (seed {args.seed})")
    for where, count in failures.most_common():
        print(f"{count:6d}  {where}")
    print(f"fuzz_toml={n_toml} unexpected={unexpected_toml}")
    return 1 if unexpected or wrong or unexpected_toml else 0


if __name__ == "__main__":
    sys.exit(main())
