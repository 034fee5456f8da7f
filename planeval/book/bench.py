"""Build-speed benchmark (not a test): median wall time and peak memory of the build scenarios an
analyst and a reviewer meet, against the two builds they would otherwise use.

Runs in a scratch copy of the repository (under _build/bench/work), so data/, book/ and the site are
never touched. The 10x registry is SYNTHETIC (copies of the real rows with new ids) and exists only
inside that scratch copy.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from .. import paths
from ..config import default_plan, load_plan
from . import targets

WORK = paths.BUILD / "bench" / "work"
RESULT = paths.BUILD / "bench" / "bench.json"
COPY = ["_config.yml", "_toc.yml", "pyproject.toml", "book", "notebooks", "data", "planeval"]

# Wall time; peak RSS of the largest process the command spawned (kernel, Sphinx, ...), in MiB; the CPU time
# the command used (all its processes); and the CPU time the rest of the machine used meanwhile (from
# /proc/stat), because on a shared machine other work stretches the wall time and the figures say so.
TIMED = r"""
import os, resource, subprocess, sys, time
def busy():
    try:
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
        return (sum(v) - v[3] - v[4]) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return float("nan")
b, t = busy(), time.perf_counter()
rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE).returncode
dt, b = time.perf_counter() - t, busy() - b
r = resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = r.ru_utime + r.ru_stime
print(dt, r.ru_maxrss / 1024, cpu, max(b - cpu, 0.0), rc)
"""


def run(cmd: list[str], cwd: Path, **extra_env) -> tuple[float, float, float, float]:
    """(wall s, peak MiB, CPU s of the command, CPU s of everything else on the machine meanwhile)."""
    env = dict(os.environ, PYTHONPATH=str(cwd), PYTHONDONTWRITEBYTECODE="1", **extra_env)
    proc = subprocess.run([sys.executable, "-c", TIMED, *cmd], cwd=cwd, env=env, capture_output=True, text=True)
    seconds, mib, cpu, others, rc = proc.stdout.split()
    if rc != "0":
        raise SystemExit(f"benchmark step failed: {' '.join(cmd)}\n{proc.stderr[-3000:]}")
    return float(seconds), float(mib), float(cpu), float(others)


GOALS = {"cold": 25, "noop": 3, "one_year_update": 12}   # seconds, for the real registry (issue 12)
# Issue 24 (one page per target): measured side by side in the same run, so the machine's load cancels out.
RATIO_GOALS = {"cold_over_cold_without_cards": 1.3, "one_year_update_over_cold": 0.5, "x10_cold_over_x1_cold": 2.0}
NOOP_GOAL_S = 1.0
PLAN_FOLDERS: dict = {}   # plan id → its folder, for a plan given by path


def fresh_copy(dest: Path, scale: int, plan: str) -> Path:
    """A scratch copy of what a build reads; ``plan`` (a plan id) is data/<plan>, or a plan folder outside
    data/ registered with ``plan_folder``, which is copied into the copy's data/."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    for name in COPY:
        src = paths.ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns("__pycache__", "_extra"))
        else:
            shutil.copy2(src, dest / name)
    if not (dest / "data" / plan).is_dir():
        shutil.copytree(PLAN_FOLDERS[plan], dest / "data" / plan)
    remove_build_outputs(dest / "book")
    if scale > 1:
        scale_registry(dest / "data" / plan, scale)
    return dest


def remove_build_outputs(book: Path) -> None:
    """Cold: book/ without anything the build writes into it, so a cold build executes every page and renders
    every target card (book/targets/, book/targets.md). What a build writes outside book/ (_build/: the
    assessment and chart caches, the Sphinx state, the site) is not copied at all. Kept: the Vega bundle
    (book/_static/vega-bundle.js), which is made once per installed altair release, like the .venv, not from
    the book's inputs."""
    for nb in book.glob("*.ipynb"):
        nb.unlink()
    shutil.rmtree(book / targets.FOLDER, ignore_errors=True)
    (book / targets.INDEX).unlink(missing_ok=True)


def _read(path: Path) -> tuple[list, list]:
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        return reader.fieldnames, list(reader)


def _write(path: Path, header: list, rows: list) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, header)
        w.writeheader()
        w.writerows(rows)


# Tables keyed by a target's id that a copied target needs rows in (the build checks they are complete).
_KEYED = {"indicators.csv": "id", "observations.csv": "indicator_id", "responsibility.csv": "indicator_id"}


def scale_registry(data_dir: Path, scale: int) -> None:
    """SYNTHETIC: repeat every target of the plan (not the previous plan's) ``scale`` times under new ids,
    with its observations and its responsible department."""
    _, reg = _read(data_dir / "indicators.csv")
    ids = {r["id"] for r in reg if r["table"] != "previous"}
    for name, key in _KEYED.items():
        if not (data_dir / name).exists():
            continue
        header, rows = _read(data_dir / name)
        extra = [dict(r, **{key: f"{r[key]}_x{k}"}, **({"note": "SYNTHETIC benchmark copy"} if "note" in r else {}))
                 for k in range(1, scale) for r in rows if r[key] in ids]
        _write(data_dir / name, header, rows + extra)


def touch_one_value(data_dir: Path, round_no: int) -> None:
    """One year's figure for one main indicator is corrected in place (its number only): the issue-24 update."""
    _, reg = _read(data_dir / "indicators.csv")
    main = {r["id"] for r in reg if r["table"] == "main"}
    header, obs = _read(data_dir / "observations.csv")
    target = next(o for o in obs if o["indicator_id"] in main and o["value"])
    target["value"] = f"{float(target['value']) + 0.1 * (round_no + 1):.4f}"
    _write(data_dir / "observations.csv", header, obs)


def import_one_value(work: Path, plan: str, round_no: int) -> None:
    """SYNTHETIC: a department returns one new figure (a main target's first value for the edition's year, equal to
    its last known value, from a source titled SYNTHETIC) and the analyst imports it with the intake command, which
    also writes the observation's note, the source and the changelog row, as every import does. Not timed."""
    env = dict(os.environ, PYTHONPATH=str(work), PYTHONDONTWRITEBYTECODE="1")
    out = work / "_build" / "bench-import" / str(round_no)
    year = load_plan(work / "data" / plan).default_edition
    subprocess.run([sys.executable, "-m", "planeval.intake", "template", "--year", str(year), "--plan", plan,
                    "--out", str(out)], cwd=work, env=env, check=True, capture_output=True)
    sheet = next(out.glob("*.csv"))
    with open(sheet, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    head = rows[0]
    col = {name: head.index(name) for name in ("指标编号", "上年已知数值", "数值", "口径", "应填口径", "来源标题",
                                               "来源网址", "发布日期", "数值原文/原句")}
    _, reg = _read(work / "data" / plan / "indicators.csv")
    main = {r["id"] for r in reg if r["table"] == "main"}
    _, obs = _read(work / "data" / plan / "observations.csv")
    have = {o["indicator_id"] for o in obs if o["year"] == str(year) and o["value"]}
    open_rows = [r for r in rows[1:] if r[col["指标编号"]] in main - have and r[col["上年已知数值"]][:1].isdigit()]
    row = open_rows[round_no % len(open_rows)]
    known = row[col["上年已知数值"]].split("（")[0]
    for name, value in (("数值", known), ("口径", row[col["应填口径"]]), ("来源标题", "SYNTHETIC 基准测试导入"),
                        ("来源网址", f"https://example.org/synthetic-bench-{round_no}"), ("发布日期", f"{year + 1}-03-01"),
                        ("数值原文/原句", f"SYNTHETIC {known}")):
        row[col[name]] = value
    with open(sheet, "w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows([head, row])
    subprocess.run([sys.executable, "-m", "planeval.intake", "import", str(sheet), "--plan", plan], cwd=work, env=env,
                   check=True, capture_output=True)


def ours(scale: int, runs: int, plan: str) -> dict:
    build = ["-m", "planeval.book.build", "--plan", plan]
    out = {"cold": [], "noop": [], "one_year_update": []}
    if scale == 1:  # the same build without the target cards (PLANEVAL_NO_TARGET_CARDS), for the issue-24 ratio
        out["cold_without_cards"] = [run([sys.executable] + build, fresh_copy(WORK / "ours-nocards", 1, plan),
                                         PLANEVAL_NO_TARGET_CARDS="1") for _ in range(runs)]
    for i in range(runs):
        work = fresh_copy(WORK / f"ours-x{scale}", scale, plan)
        py = [sys.executable]
        out["cold"].append(run(py + build, work))
        out["noop"].append(run(py + build, work))
        touch_one_value(work / "data" / plan, i)
        out["one_year_update"].append(run(py + build, work))
        if scale == 1:
            # a real import of one new figure (reported, no goal); the plan's first import adds the page of
            # changes (本版更新说明), a new page list and a whole site: done once before, untimed
            if i == 0:
                import_one_value(work, plan, runs)
                run(py + build, work)
            import_one_value(work, plan, i)
            out.setdefault("import_one_value", []).append(run(py + build, work))
    return out


# Both baselines end the same way: downloads and search terms as our build writes them, then a plain
# (non-strict) `jupyter-book build`.
_SITE = ("from planeval.book.publish import write_downloads\n"
         "from planeval.book import targets\n"
         "if any(p.template is None for p in ed.pages): targets.write_cards(ed)\n"
         "write_downloads(ed); build.write_search_terms(ed.root, ed.plan.folder)\n"
         "subprocess.run([str(pathlib.Path(sys.executable).parent / 'jupyter-book'), 'build', str(ed.root), '-q'],\n"
         "               check=True)\n")
_PREAMBLE = ("import pathlib, shutil, subprocess, sys\n"
             "import papermill as pm\n"
             "from planeval.book import build\n"
             "ed = build.edition_for(PLAN)\n"
             "build.prepare(ed)\n")
_SEQUENTIAL = ("for p in [p for p in ed.pages if p.template]:\n"
               "    pm.execute_notebook(f'notebooks/{p.template}', str(ed.book / f'{p.file}.ipynb'), cwd=str(ed.book),\n"
               "        parameters=build.parameters_for(p, ed), progress_bar=False)\n")
_JB_EXECUTES = ("import nbformat\n"
                "for p in [p for p in ed.pages if p.template]:\n"
                "    nb = nbformat.read(f'notebooks/{p.template}', as_version=4)\n"
                "    src = next(c for c in nb.cells if 'parameters' in c.metadata.get('tags', []))\n"
                "    src.source += '\\n' + '\\n'.join(f'{k} = {v!r}' for k, v in build.parameters_for(p, ed).items())\n"
                "    nbformat.write(nb, str(ed.book / f'{p.file}.ipynb'))\n"
                "c = ed.root / '_config.yml'\n"
                "c.write_text(c.read_text().replace('execute_notebooks: \"off\"', 'execute_notebooks: force'))\n"
                "assert 'execute_notebooks: force' in c.read_text()\n")


def baseline(runs: int, name: str, steps: str, plan: str) -> list:
    """A build the way a user without this tool would do it, timed in its own scratch copy."""
    results = []
    for _ in range(runs):
        work = fresh_copy(WORK / name, 1, plan)
        results.append(run([sys.executable, "-c", f"PLAN = {plan!r}\n" + _PREAMBLE + steps + _SITE], work))
    return results


def summarise(samples: list) -> dict:
    cores = os.cpu_count() or 1
    return {"median_s": round(statistics.median(s[0] for s in samples), 2),
            "runs_s": [round(s[0], 2) for s in samples],
            "peak_rss_mib": round(max(s[1] for s in samples), 1),
            "cpu_s": round(statistics.median(s[2] for s in samples), 2),
            # share of the machine's CPU that other processes used during the runs (0: a quiet machine)
            "others_share": round(statistics.median(s[3] / (s[0] * cores) for s in samples), 2)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per scenario (median reported)")
    parser.add_argument("--plan", default=None, help="plan folder under data/ or a plan folder's path "
                                                     "(default: the committed book's)")
    args = parser.parse_args(argv)
    cfg = load_plan(args.plan or default_plan())
    plan = cfg.id
    PLAN_FOLDERS[plan] = cfg.folder
    started = time.perf_counter()
    report = {"machine": {"cores": os.cpu_count(), "python": sys.version.split()[0]}, "runs": args.runs}
    for scale in (1, 10):
        print(f"[bench] our build, registry x{scale} ({'real' if scale == 1 else 'SYNTHETIC 10x'})", flush=True)
        report[f"ours_x{scale}"] = {k: summarise(v) for k, v in ours(scale, args.runs, plan).items()}
    print("[bench] baseline: sequential papermill + jupyter-book build", flush=True)
    report["baseline_sequential_papermill"] = summarise(baseline(args.runs, "baseline-seq", _SEQUENTIAL, plan))
    print("[bench] baseline: jupyter-book execute_notebooks: force", flush=True)
    report["baseline_jupyter_book_execute"] = summarise(baseline(args.runs, "baseline-jb", _JB_EXECUTES, plan))
    cold = report["ours_x1"]["cold"]["median_s"]
    report["ratios"] = {
        "x10_cold_over_x1_cold": round(report["ours_x10"]["cold"]["median_s"] / cold, 2),
        "cold_over_cold_without_cards": round(cold / report["ours_x1"]["cold_without_cards"]["median_s"], 2),
        "one_year_update_over_cold": round(report["ours_x1"]["one_year_update"]["median_s"] / cold, 2),
        "import_one_value_over_cold": round(report["ours_x1"]["import_one_value"]["median_s"] / cold, 2),
        "ours_cold_over_sequential": round(cold / report["baseline_sequential_papermill"]["median_s"], 2),
        "ours_cold_over_jb_execute": round(cold / report["baseline_jupyter_book_execute"]["median_s"], 2),
    }
    report["goals"] = goals_met(report)
    RESULT.parent.mkdir(parents=True, exist_ok=True)
    RESULT.write_text(json.dumps(report, ensure_ascii=False, indent=2))
    print(table(report))
    print(f"JSON: {RESULT.relative_to(paths.ROOT)} (benchmark took {time.perf_counter() - started:.0f} s)")
    missed = [k for k, v in report["goals"].items() if not v["met"]]
    print("goals: " + "; ".join(f"{k} {v['median_s']} s ≤ {v['limit_s']} s {'✓' if v['met'] else '✗ MISSED'}"
                                for k, v in report["goals"].items()))
    ratio_missed = [k for k, limit in RATIO_GOALS.items() if report["ratios"][k] > limit]
    noop = report["ours_x1"]["noop"]["median_s"]
    print("issue-24 goals: " + "; ".join(f"{k} {report['ratios'][k]} ≤ {limit} {'✓' if k not in ratio_missed else '✗ MISSED'}"
                                         for k, limit in RATIO_GOALS.items())
          + f"; no-op {noop} s ≤ {NOOP_GOAL_S} s {'✓' if noop <= NOOP_GOAL_S else '✗ MISSED'}")
    return 1 if missed or ratio_missed or noop > NOOP_GOAL_S else 0


def goals_met(report: dict) -> dict:
    """Each goal with the median measured for the real registry, and whether it was met."""
    return {k: {"limit_s": goal, "median_s": report["ours_x1"][k]["median_s"],
                "met": report["ours_x1"][k]["median_s"] <= goal} for k, goal in GOALS.items()}


def table(report: dict) -> str:
    head = f"{'scenario':<36}{'median s':>9}{'goal s':>7}{'met':>5}{'cpu s':>7}{'others':>8}{'peak MiB':>10}"
    lines = [head, "-" * len(head)]

    def row(name, v, goal="", met=""):
        lines.append(f"{name:<36}{v['median_s']:>9}{goal:>7}{met:>5}{v['cpu_s']:>7}{v['others_share']:>8.0%}"
                     f"{v['peak_rss_mib']:>10}")

    for scale in (1, 10):
        for k, v in report[f"ours_x{scale}"].items():
            if scale == 1 and k in GOALS:
                row(f"ours x1 {k}", v, GOALS[k], "yes" if v["median_s"] <= GOALS[k] else "NO")
            elif scale == 1:
                row(f"ours x1 {k}", v)
            else:
                row(f"ours x{scale} {k}", v)
    for k in ("baseline_sequential_papermill", "baseline_jupyter_book_execute"):
        row(k, report[k])
    lines.append("-" * len(head))
    lines += [f"{k:<36}{v:>9}" for k, v in report["ratios"].items()]
    lines.append("others: share of the machine's CPU used by other processes during the runs (0% = quiet)")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
