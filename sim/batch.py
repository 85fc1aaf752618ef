"""Many documents in one run: each replayed into its own output folder, and an index of them all.

``race-replay run DOC... --out DIR`` (:mod:`sim.cli.batch`) hands a list of :class:`Job` to :func:`replay_jobs`: one
task per document, in this process or on Dask workers (a local cluster of ``workers`` processes, or the scheduler
at ``scheduler``). A task parses, calibrates and replays its document and renders every file a single ``run``
writes (:func:`replay_files`, the code path ``run`` itself takes) into an :class:`~sim.output.OutputFolder` that is
*not* yet written: the files come back to the caller, which commits each folder (run.json last, under the folder's
lock). So the files are the same byte for byte whatever runs the tasks, and a worker needs no write access.

A document that cannot be replayed gives an :class:`Outcome` with its one-line error instead of a folder; the
others carry on. :func:`index_csv` and :func:`index_html` render the overview (one row per document, in a fixed
order: the replays by year and race id, then the failures by race id), deterministic to the byte.
"""

from __future__ import annotations

import csv
import html
import io
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sim.anomalies import find_anomalies
from sim.errors import RaceReplayError
from sim.kinds import kind_of
from sim.output import OutputFolder
from sim.pipeline import run_replay

log = logging.getLogger(__name__)

INDEX_COLUMNS: tuple[tuple[str, str], ...] = (
    ("race", "the race id: its folder under the output folder (a document's file name without .txt)"),
    ("year", "the year the race started"),
    ("title", "the document's title"),
    ("kind", "the race kind (circuit, time-trial)"),
    ("starters", "cars that started"),
    ("classified", "cars classified at the finish"),
    ("winner", "the winner's car number (first in the race's own order at the flag)"),
    ("winner_make", "the winner's make"),
    ("winner_drivers", "the winner's drivers, ' / ' between them"),
    ("laps", "the winner's laps at the flag (a time trial: controls passed)"),
    ("conflicts", "source conflicts named in the report (checkpoints.md)"),
    ("defaults", "defaults the replay used for want of a race folder (listed in checkpoints.md)"),
    ("anomalies", "anomalies of the document (race-replay inspect)"),
    ("replay", "the race's interactive replay, relative to the index"),
    ("document", "the document, as given on the command line"),
    ("error", "why the document could not be replayed (empty when it was)"),
)
COLUMNS = tuple(name for name, _ in INDEX_COLUMNS)
RESERVED_NAMES = ("index.html", "index.csv", "run.json")  # the output folder's own files: no race folder may take them


@dataclass(frozen=True)
class Job:
    """One document to replay: what it was given as, its race id, its output folder, the command run.json records
    (the single-document ``run`` that writes the same folder) and what a worker reads (a document's absolute path,
    whatever the worker's folder; a race id as given). No output names the path it was read from."""

    document: str
    race: str
    out: str
    command: str
    source: str = ""


@dataclass(frozen=True)
class Options:
    """What every document of a run shares."""

    seed: int
    plots: bool = True
    use_cache: bool = True


@dataclass
class Outcome:
    """A job done: the folder to commit and its index row, or the error that stopped it."""

    job: Job
    folder: OutputFolder | None = None
    row: dict = field(default_factory=dict)
    error: str | None = None


def replay_files(kind, replay, folder: OutputFolder, plots: bool = True, montecarlo: dict | None = None) -> dict:
    """Add a replay's files to `folder`: the kind's files, the page and (with `plots`) the plots, with Monte Carlo
    bands when a calibrated summary is given. Returns the report data (checked once: files, page and summary share
    it). ``race-replay run`` writes one race through this function; a run of several documents, each of them."""
    data = kind.report(replay)
    extra = {} if montecarlo is None else {"montecarlo": montecarlo}
    for name, text in kind.files(replay, data, **extra).items():
        folder.write_text(name, text)
    folder.write_bytes("replay.html", kind.page(replay, data))  # the interactive replay, one self-contained file
    if plots:
        for name, image in kind.plots(replay, data, **({} if montecarlo is None else {"bands": montecarlo})).items():
            folder.write_bytes(name, image)
    return data


def replay_job(job: Job, options: Options) -> Outcome:
    """One task: replay `job`'s document into an uncommitted folder (a document that fails gives its error)."""
    try:
        replay = run_replay(job.source or job.document, options.seed, use_cache=options.use_cache)
        kind = kind_of(replay.race)
        folder = OutputFolder(job.out, race=job.document, seed=options.seed, scenario=None, command=job.command)
        data = replay_files(kind, replay, folder, plots=options.plots)
        return Outcome(job, folder, index_row(job, kind, replay, data))
    except RaceReplayError as exc:
        return Outcome(job, error=str(exc))
    except Exception as exc:  # noqa: BLE001 - one document's bug must not stop a century of them
        log.info("%s: unexpected error", job.document, exc_info=True)
        return Outcome(job, error=f"unexpected error (please report it, with --verbose): {type(exc).__name__}: {exc}")


def index_row(job: Job, kind, replay, data: dict) -> dict:
    """The index's row of a replayed race (see INDEX_COLUMNS)."""
    race = replay.race
    final = replay.standings(seconds=replay.facts.duration_s, by=kind.order)
    winner = race.entry(str(final.car.iloc[0])) if len(final) else None
    try:
        anomalies = len(find_anomalies(race))
    except RaceReplayError:  # a published table the checks cannot read: the parser's own anomalies still count
        anomalies = len(race.anomalies)
    return {
        "race": job.race, "year": replay.facts.start.year, "title": race.title, "kind": kind.name,
        "starters": len(race.starters), "classified": sum(e.status == "classified" for e in race.starters),
        "winner": winner.number if winner else "", "winner_make": (winner.make or "") if winner else "",
        "winner_drivers": " / ".join(d.name for d in winner.drivers) if winner else "",
        "laps": int(final.laps.iloc[0]) if len(final) else "", "conflicts": len(data["conflicts"]),
        "defaults": len(getattr(replay.facts, "defaults", ())), "anomalies": anomalies,
        "replay": f"{job.race}/replay.html", "document": job.document, "error": "",
    }


def failed_row(job: Job, error: str) -> dict:
    return {**dict.fromkeys(COLUMNS, ""), "race": job.race, "document": job.document, "error": error}


def replay_jobs(jobs: list[Job], options: Options, workers: int = 1, scheduler: str | None = None) -> Iterator[Outcome]:
    """Each job's outcome, as it is done: in this process one after the other (workers 1, no scheduler), else one
    Dask task per job. The outcomes are the same either way; only their order differs."""
    if scheduler is None and workers <= 1:
        for job in jobs:
            yield replay_job(job, options)
        return
    yield from _on_dask(jobs, options, workers, scheduler)


def _on_dask(jobs: list[Job], options: Options, workers: int, scheduler: str | None) -> Iterator[Outcome]:
    from dask.distributed import Client, LocalCluster, as_completed  # Dask: only for documents on workers

    if not logging.getLogger().isEnabledFor(logging.INFO):  # Dask's start-up chatter only with --verbose
        logging.getLogger("distributed").setLevel(logging.ERROR)
    cluster = None
    if scheduler is None:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0")
    try:
        with Client(cluster if cluster is not None else scheduler) as client:
            futures = {client.submit(replay_job, job, options, pure=False, key=f"replay-{i}-{job.race}"): job
                       for i, job in enumerate(jobs)}
            for future in as_completed(futures):
                try:
                    outcome = future.result()
                except Exception as exc:  # noqa: BLE001 - a worker lost (killed, out of memory): that document only
                    outcome = Outcome(futures[future], error=f"its Dask worker failed: {type(exc).__name__}: {exc}")
                future.release()
                yield outcome
    finally:
        if cluster is not None:
            cluster.close()


def sorted_rows(rows: Iterable[dict]) -> list[dict]:
    """The index's order: the replays by year then race id, then the failures by race id then document."""
    return sorted(rows, key=lambda r: (bool(r["error"]), r["year"] if r["year"] != "" else 0, r["race"],
                                       r["document"]))


def index_csv(rows: Iterable[dict]) -> str:
    """index.csv: the header of COLUMNS, then one row per document (in :func:`sorted_rows` order)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(sorted_rows(rows))
    return out.getvalue()


_NUMERIC = ("year", "starters", "classified", "laps", "conflicts", "defaults", "anomalies")
_NUMBER = ' class="number"'
_SHOWN = ("race", "year", "title", "starters", "classified", "winner", "winner_make", "winner_drivers", "laps",
          "conflicts", "defaults", "anomalies", "error")
_HEADINGS = {"winner": "winner (car)", "winner_make": "make", "winner_drivers": "drivers"}
_SORT_SCRIPT = """
document.querySelectorAll("th").forEach((th, column) => th.addEventListener("click", () => {
  const body = th.closest("table").tBodies[0];
  const up = th.dataset.order !== "up";
  document.querySelectorAll("th").forEach(other => delete other.dataset.order);
  th.dataset.order = up ? "up" : "down";
  const key = row => row.cells[column].dataset.value ?? row.cells[column].textContent;
  const numeric = th.classList.contains("number");
  const rows = [...body.rows].sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    const order = numeric ? (x === "" ? Infinity : +x) - (y === "" ? Infinity : +y) : x.localeCompare(y);
    return up ? order : -order;
  });
  rows.forEach(row => body.appendChild(row));
}));
"""
_STYLE = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #222; }
table { border-collapse: collapse; }
th, td { padding: 0.25em 0.6em; border-bottom: 1px solid #ddd; text-align: left; vertical-align: top; }
th { cursor: pointer; user-select: none; background: #f4f4f4; position: sticky; top: 0; }
th[data-order="up"]::after { content: " \\25B2"; } th[data-order="down"]::after { content: " \\25BC"; }
td.number, th.number { text-align: right; }
tr.failed td { color: #a00; }
"""


def index_html(rows: Iterable[dict], title: str = "Race replays") -> bytes:
    """index.html: one self-contained page (no network), a table of every document sortable by any column (click
    a heading), each race linking to its replay.html."""
    rows = sorted_rows(rows)
    replayed = sum(not r["error"] for r in rows)
    head = "".join(f'<th{_NUMBER if c in _NUMERIC else ""}>{_HEADINGS.get(c, c)}</th>' for c in _SHOWN)
    body = "\n".join(_html_row(r) for r in rows)
    page = (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>{html.escape(title)}</title>\n'
            f"<style>{_STYLE}</style>\n</head>\n<body>\n<h1>{html.escape(title)}</h1>\n"
            f"<p>{replayed} of {len(rows)} documents replayed; click a heading to sort. Columns: index.csv.</p>\n"
            f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>\n"
            f"<script>{_SORT_SCRIPT}</script>\n</body>\n</html>\n")
    return page.encode("utf-8")


def _html_row(row: dict) -> str:
    cells = []
    for column in _SHOWN:
        text = html.escape(str(row[column]))
        if column == "race" and not row["error"]:
            text = f'<a href="{html.escape(row["replay"])}">{text}</a>'
        elif column == "race":
            text = f'<span title="{html.escape(row["document"])}">{text}</span>'
        cells.append(f'<td{_NUMBER if column in _NUMERIC else ""}>{text}</td>')
    return f'<tr{" class=failed" if row["error"] else ""}>{"".join(cells)}</tr>'


def is_reserved(race_id: str) -> bool:
    return race_id in RESERVED_NAMES or race_id.startswith(".") or Path(race_id).name != race_id
