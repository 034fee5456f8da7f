"""Build the report: execute the page templates with papermill (in parallel, only what changed), then
compile the HTML site with Jupyter Book.

    python -m yinzhou_eval.build [--eval-year 2024] [--force] [--jobs N] [--no-html]

The default edition (``default_eval_year`` in book/report.yml) is written into ``book/`` and is what
gets committed and reviewed. Another evaluation year builds a separate edition under
``_build/editions/<year>/`` so the committed edition is never overwritten by accident.
"""
from __future__ import annotations

import argparse
import concurrent.futures as cf
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml

from . import paths
from .fingerprint import page_fingerprint
from .nbclean import clean_executed_notebook

BUILD_FORMAT = 1  # bump to invalidate every cached execution


def load_config(path: Path = paths.REPORT_CONFIG) -> dict:
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def pages(config: dict) -> list[dict]:
    return [page for part in config["parts"] for page in part["pages"]]


def executable_pages(config: dict) -> list[dict]:
    return [p for p in pages(config) if p.get("template")]


def render_toc(config: dict) -> str:
    toc = {"format": "jb-book", "root": None, "parts": []}
    for part in config["parts"]:
        files = [f"book/{p['file']}" for p in part["pages"]]
        if toc["root"] is None:
            toc["root"], files = files[0], files[1:]
            if not files:
                continue
        entry = {"caption": part["caption"]}
        if part.get("numbered"):
            entry["numbered"] = True
        entry["chapters"] = [{"file": f} for f in files]
        toc["parts"].append(entry)
    header = "# Generated from book/report.yml by `python -m yinzhou_eval.build --toc-only`. Do not edit.\n"
    return header + yaml.safe_dump(toc, allow_unicode=True, sort_keys=False)


def write_toc(config: dict, root: Path = paths.ROOT) -> None:
    text = render_toc(config)
    target = root / "_toc.yml"
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")


def write_static_assets(static_dir: Path = paths.STATIC) -> None:
    """Ship Vega, Vega-Lite and vega-embed with the site so charts draw with no network."""
    from .charts import write_vega_bundle

    write_vega_bundle(static_dir)


def parameters_for(page: dict, eval_year: int, data_dir: str) -> dict:
    params = {"eval_year": int(eval_year), "data_dir": data_dir}
    if page.get("chapter"):
        params["chapter"] = page["chapter"]
    return params


def _quiet_kernel_stderr(output: Path) -> None:
    """Kernels inherit this worker's stderr and print transport warnings there; send them to a log file
    (_build/logs/<page>.log) so the build's own progress lines stay readable. Errors still surface: papermill
    raises with the failing cell's traceback."""
    logs = paths.BUILD / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    fd = os.open(logs / f"{output.stem}.log", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(fd, 2)
    os.close(fd)


def _execute(template: str, output: str, params: dict, cwd: str, fingerprint: str) -> float:
    import papermill as pm

    start = time.perf_counter()
    _quiet_kernel_stderr(Path(output))
    pm.execute_notebook(template, output, parameters=params, cwd=cwd, kernel_name="python3",
                        progress_bar=False, log_output=False, request_save_on_cell_execute=False)
    clean_executed_notebook(Path(output), params, fingerprint)
    return time.perf_counter() - start


def execute_pages(config: dict, eval_year: int, out_dir: Path, data_dir: str, force: bool = False,
                  jobs: int | None = None, cache_dir: Path = paths.EXEC_CACHE, log=print) -> list[str]:
    """Run papermill on every page whose inputs changed; return the files that were (re)executed."""
    todo = []
    cache_dir.mkdir(parents=True, exist_ok=True)
    for page in executable_pages(config):
        params = parameters_for(page, eval_year, data_dir)
        template = paths.TEMPLATES / page["template"]
        output = out_dir / f"{page['file']}.ipynb"
        key = page_fingerprint(page, template, params, BUILD_FORMAT)
        stamp = cache_dir / f"{out_dir.name}-{eval_year}-{page['file']}.json"
        fresh = (not force and output.exists() and stamp.exists()
                 and json.loads(stamp.read_text()).get("key") == key)
        if fresh:
            log(f"  = {page['file']:<14} unchanged, not re-executed")
        else:
            todo.append((page, template, output, params, key, stamp))
    if not todo:
        return []
    from .dataset import load_dataset

    load_dataset(out_dir / data_dir).assess(eval_year)  # assessed once here; every page reads the cached result
    jobs = jobs or os.cpu_count() or 1
    log(f"  executing {len(todo)} notebook(s) with papermill, {min(jobs, len(todo))} in parallel")
    failures = []
    with cf.ProcessPoolExecutor(max_workers=min(jobs, len(todo))) as pool:
        futures = {pool.submit(_execute, str(t), str(o), p, str(out_dir), k): (pg, o, k, s)
                   for pg, t, o, p, k, s in todo}
        for fut in cf.as_completed(futures):
            page, output, key, stamp = futures[fut]
            try:
                seconds = fut.result()
            except Exception as exc:  # report every failing page, not only the first
                failures.append((page["file"], exc))
                log(f"  ✗ {page['file']:<14} failed: {str(exc).strip().splitlines()[-1] if str(exc).strip() else exc!r}")
                continue
            stamp.write_text(json.dumps({"key": key, "seconds": round(seconds, 2)}))
            log(f"  ✓ {page['file']:<14} {seconds:5.1f} s")
    if failures:
        names = ", ".join(f for f, _ in failures)
        raise SystemExit(f"notebook execution failed for: {names} (see the messages above)")
    return [str(o) for _, _, o, _, _, _ in todo]


def site_fingerprint(root: Path) -> str:
    h = hashlib.sha256()
    for path in sorted([root / "_config.yml", root / "_toc.yml", *(root / "book").rglob("*")]):
        if path.is_file() and ".ipynb_checkpoints" not in path.parts:
            h.update(str(path.relative_to(root)).encode())
            h.update(path.read_bytes())
    return h.hexdigest()


SEARCH_TERMS = "_build/search-terms.txt"  # _config.yml: html_search_options.dict (relative to the book root)


def write_search_terms(root: Path, data_dir: Path = paths.DATA) -> None:
    """Teach the Chinese word splitter (jieba) every indicator name, so that searching a full name such as
    地区生产总值 finds its chapter: Sphinx's search splits the query only at spaces and punctuation."""
    import csv

    names = set()
    with open(data_dir / "indicators.csv", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            for part in re.split(r"[（）()“”、，,：:\s*]+", row["name_zh"]):
                if len(part) >= 2 and not part.isascii():
                    names.add(part)
    target = root / SEARCH_TERMS
    target.parent.mkdir(parents=True, exist_ok=True)
    text = "".join(f"{n} 100000 n\n" for n in sorted(names))
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")


def build_html(root: Path = paths.ROOT, log=print, force: bool = False) -> Path:
    """Compile the site with Jupyter Book in strict mode (warnings are errors)."""
    write_search_terms(root)
    site = root / "_build" / "html"
    stamp = root / "_build" / ".site-fingerprint"
    key = site_fingerprint(root)
    if not force and site.joinpath("index.html").exists() and stamp.exists() and stamp.read_text() == key:
        log("  = site unchanged, Jupyter Book not re-run")
        return site
    cmd = [str(Path(sys.executable).parent / "jupyter-book"), "build", str(root), "-W", "-n", "--keep-going", "-q"]
    if force:
        cmd.append("--all")
    proc = subprocess.run(cmd, cwd=root, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-6000:] + proc.stderr[-6000:])
        raise SystemExit("jupyter-book build failed (strict mode: every warning is an error)")
    stamp.write_text(key)
    return site


def prepare_edition(config: dict, eval_year: int) -> tuple[Path, Path, str]:
    """Return (book root, notebook dir, data_dir parameter) for an edition."""
    if eval_year == config["default_eval_year"]:
        return paths.ROOT, paths.BOOK, config["data_dir"]
    root = paths.BUILD / "editions" / str(eval_year)
    (root / "book").mkdir(parents=True, exist_ok=True)
    for name in ("_config.yml", "_toc.yml"):
        shutil.copy2(paths.ROOT / name, root / name)
    for path in paths.BOOK.iterdir():
        if path.suffix in (".md", ".yml", ".png", ".svg"):
            shutil.copy2(path, root / "book" / path.name)
    shutil.copytree(paths.STATIC, root / "book" / "_static", dirs_exist_ok=True)
    return root, root / "book", str(paths.DATA)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-year", type=int, help="last year of data the evaluation considers")
    parser.add_argument("--force", action="store_true", help="re-execute every notebook")
    parser.add_argument("--jobs", type=int, default=None, help="notebooks run in parallel (default: cores)")
    parser.add_argument("--no-html", action="store_true", help="execute notebooks only")
    parser.add_argument("--toc-only", action="store_true", help="regenerate _toc.yml and stop")
    args = parser.parse_args(argv)

    config = load_config()
    write_toc(config)
    if args.toc_only:
        return 0
    eval_year = args.eval_year or config["default_eval_year"]
    started = time.perf_counter()
    print(f"鄞州区“十四五”规划中期评估报告 — edition with data through {eval_year}")
    write_static_assets()
    root, out_dir, data_dir = prepare_edition(config, eval_year)
    print("[1/2] notebooks (papermill)")
    execute_pages(config, eval_year, out_dir, data_dir, force=args.force, jobs=args.jobs)
    from .publish import write_downloads

    write_downloads(eval_year, extra_dir=out_dir / "_extra")
    if args.no_html:
        return 0
    print("[2/2] site (jupyter-book, strict)")
    t = time.perf_counter()
    site = build_html(root, force=args.force)
    print(f"  ✓ site built in {time.perf_counter() - t:.1f} s")
    print(f"done in {time.perf_counter() - started:.1f} s — open {site.relative_to(paths.ROOT) if site.is_relative_to(paths.ROOT) else site}/index.html")
    return 0


if __name__ == "__main__":
    sys.exit(main())
