"""``race-replay run DOC... --out DIR``: several documents (or folders of them) in one command (wired into
:mod:`sim.cli.replay`'s ``run``).

Each document is replayed into ``DIR/<race id>/`` with the files a single ``run`` writes there (the same code path,
:func:`sim.batch.replay_files`; its run.json records the single ``run`` that writes the same folder). A document
that fails prints one line on stderr naming it, and the others carry on; the exit status is then 2. At the end
``DIR/index.html`` and ``DIR/index.csv`` list every document (and ``DIR/run.json`` lists those two files).

Options with several documents: ``--seed``, ``--no-plots``, ``--no-cache`` and ``--format`` apply to each;
``--workers N`` (default 1: in this process) and ``--scheduler ADDRESS`` send one Dask task per document (the files
are the same, byte for byte); ``--draws`` and ``--only`` are refused (the draws are one race's: run them one race at
a time). A folder stands for its ``*.txt`` files, in name order.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import time
from pathlib import Path

from sim.cli.common import scheduler_address, seed_of
from sim.errors import RaceReplayError

DEFAULT_OUT = "out"
SCHEDULING = ("--workers", "--scheduler")  # how the documents are run, not what is written: not in run.json


def add_batch_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--scheduler", type=scheduler_address, default=None, metavar="ADDRESS",
                        help="several documents: send them to this Dask scheduler (e.g. tcp://host:8786; its "
                             "workers must read the documents by the paths given)")


def is_batch(args) -> bool:
    """Several documents, or a folder of them (one document or race id is the single-race form)."""
    return len(args.race) > 1 or any(Path(race).is_dir() for race in args.race)


def check_single(args) -> None:
    if args.scheduler is not None:
        raise RaceReplayError("applies only to several documents (one race's draws run on --workers)",
                              key="--scheduler", value=args.scheduler)


def _check_options(args) -> None:
    if args.draws:
        raise RaceReplayError("is one race's: with several documents, run the draws one race at a time",
                              key="--draws", value=args.draws)
    if args.only:
        raise RaceReplayError("applies only with --draws, one race at a time", key="--only")


def documents(arguments: list[str]) -> tuple[list[str], list[tuple[str, str]]]:
    """The documents the arguments name (a folder: its *.txt files in name order), and (argument, error) for a
    folder without any."""
    found, errors = [], []
    for argument in arguments:
        path = Path(argument)
        if not path.is_dir():
            found.append(argument)
            continue
        files = sorted(p for p in path.glob("*.txt") if p.is_file() and not p.name.startswith("."))
        if not files:
            errors.append((argument, "the folder holds no documents (*.txt)"))
        for file in files:
            if _is_utf8(str(file)):
                found.append(str(file))
            else:  # its name could be written in no report: named (readably) among the failures
                errors.append((_readable(str(file)), "its name holds a byte that is not UTF-8: rename the file"))
    return found, errors


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _readable(text: str) -> str:
    """`text` with each byte that is not UTF-8 (a lone surrogate) shown as U+FFFD."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def jobs_of(args, out: Path) -> tuple[list, list[tuple[str, str, str]]]:
    """A Job per document, and (document, race id, error) for those that cannot even be named or would clash."""
    from sim.batch import Job, is_reserved
    from sim.sources import resolve

    found, errors = documents(args.race)
    failures = [(argument, Path(argument).name, error) for argument, error in errors]
    jobs, seen, by_id = [], set(), {}
    for document in found:
        try:
            info = resolve(document)
        except RaceReplayError as exc:
            failures.append((document, Path(document).stem or document, str(exc)))
            continue
        same = Path(info.file).resolve()
        if same in seen:  # given twice (a file and its folder): replayed once
            continue
        if info.id in by_id or is_reserved(info.id):
            clash = f"the same race id as {by_id[info.id]}" if info.id in by_id else "a name the output folder keeps"
            failures.append((document, info.id, f"its race id {info.id!r} is {clash}: rename the file"))
            continue
        seen.add(same)
        by_id[info.id] = document
        source = str(same) if Path(document).is_file() else document  # a race id stays an id
        jobs.append(Job(document, info.id, str(out / info.id), _single_command(args, document, out / info.id), source))
    return jobs, failures


def _single_command(args, document: str, folder: Path) -> str:
    """The single-document run that writes the same folder (what its run.json records)."""
    words = ["race-replay", "run", document, "--out", str(folder)]
    words += ["--seed", str(args.seed)] if args.seed is not None else []
    words += ["--no-plots"] if args.no_plots else []
    return shlex.join(words)


def batch_command(argv: list[str]) -> str:
    """The command line without the options that say only how the documents run (the same files either way)."""
    words, skip = [], False
    for word in argv:
        if skip:
            skip = False
        elif word in SCHEDULING:
            skip = True
        elif not word.startswith(tuple(f"{option}=" for option in SCHEDULING)):
            words.append(word)
    return shlex.join(["race-replay", *words])


def cmd_batch(args: argparse.Namespace) -> int:
    """Replay every document into --out, write the index, print a summary; 2 if any document failed."""
    from sim.batch import Options, failed_row, index_csv, index_html
    from sim.output import output_folder

    started = time.perf_counter()
    _check_options(args)
    out = Path(args.out) if args.out is not None else Path(DEFAULT_OUT)
    options = Options(seed=seed_of(args), plots=not args.no_plots, use_cache=not args.no_cache)
    jobs, failures = jobs_of(args, out)
    rows = [failed_row(_job(document, race), error) for document, race, error in failures]
    for document, _, error in failures:
        _report_failure(document, error)
    rows += _run_jobs(args, jobs, options)
    with output_folder(out, races=sorted(r["race"] for r in rows), seed=options.seed, scenario=None,
                       command=batch_command(getattr(args, "argv", ["run", *args.race]))) as folder:
        folder.write_bytes("index.html", index_html(rows))
        folder.write_text("index.csv", index_csv(rows))
    _summary(args, out, rows, folder.written, round(time.perf_counter() - started, 2))
    return 2 if any(r["error"] for r in rows) else 0


def _job(document: str, race: str):
    from sim.batch import Job

    return Job(document, race, "", "")


def _run_jobs(args, jobs: list, options) -> list[dict]:
    """Run the jobs, committing each folder as it comes back; the index rows (a failure's too)."""
    from tqdm import tqdm  # a bar for a person watching: only on a terminal

    from sim.batch import failed_row, replay_jobs

    rows = []
    workers = args.workers or 1
    with tqdm(total=len(jobs), disable=not sys.stderr.isatty(), desc="races", unit="race", file=sys.stderr) as bar:
        for outcome in replay_jobs(jobs, options, workers=workers, scheduler=args.scheduler):
            error = outcome.error
            if error is None:
                try:
                    outcome.folder.commit()
                except (OSError, RaceReplayError) as exc:
                    where = f"{exc.filename}: " if isinstance(exc, OSError) and exc.filename else ""
                    error = f"{where}{getattr(exc, 'strerror', None) or exc}"
            if error is None:
                rows.append(outcome.row)
            else:
                rows.append(failed_row(outcome.job, error))
                bar.write(_failure_line(outcome.job.document, error), file=sys.stderr)
            bar.update(1)
    return rows


def _failure_line(document: str, error: str) -> str:
    return f"race-replay: error: {document}: {error}"


def _report_failure(document: str, error: str) -> None:
    print(_failure_line(document, error), file=sys.stderr)


def _summary(args, out: Path, rows: list[dict], written: dict, seconds: float) -> None:
    from sim.batch import sorted_rows

    rows = sorted_rows(rows)
    replayed = [r for r in rows if not r["error"]]
    if args.format == "json":
        print(json.dumps({"out": str(out), "documents": len(rows), "replayed": len(replayed),
                          "failed": {r["document"]: r["error"] for r in rows if r["error"]},
                          "races": replayed, "files": {k: str(v) for k, v in sorted(written.items())},
                          "seconds": seconds}, indent=2, ensure_ascii=False))
        return
    for r in replayed:
        print(f"{r['year']} {r['race']}: {r['starters']} starters, {r['classified']} classified, winner car "
              f"{r['winner']} ({r['laps']} laps), {r['conflicts']} conflicts, {r['defaults']} defaults, "
              f"{r['anomalies']} anomalies")
    print(f"Replayed {len(replayed)} of {len(rows)} documents into {out}/ in {seconds} s; index: "
          f"{written['index.html']}, {written['index.csv']}")
