"""Build a plan's report: execute the page templates with papermill (in parallel, only what changed), then
compile the HTML site with Jupyter Book.

    python -m planeval.book.build [--plan <folder name under data/, or a plan folder's path>]
                                  [--eval-year <year>] [--out DIR] [--force] [--jobs N] [--no-html] [--no-wait]

The committed book (book/report.yml names its plan; its default edition) is written into book/ and is what
reviewers review. Any other plan or edition is built into _build/books/<plan>/<year>/ (or --out DIR), with
its own _config.yml, _toc.yml and site, so the committed book is never overwritten by accident.

What a failed build leaves (tests/test_build_faults.py):
- a page is executed into a temporary file and replaces book/<page>.ipynb only when it ran to the end; the
  notebook records the key of the inputs it was built from (metadata planeval.inputs_fingerprint), and a
  page counts as current only when that key equals the key of today's inputs, so a failed or interrupted
  run can never leave a page that looks current;
- the site is compiled in a work folder (_build/site-work) and swapped in as _build/html only when the strict
  build succeeded: a failed Sphinx run leaves the last good site as it was;
- one build per book root at a time (a lock under _build/); a second one waits, or with --no-wait is refused;
- Jupyter Book is started while the pages run (SphinxAhead) and told to build only after they all succeeded;
- the target cards and the downloads (book/targets/, book/_extra/) are written while the pages run: they reach
  readers only with the site, which a failed page leaves as it was;
- a data error prints its message (file, row, column, value, expected) alone; the traceback goes to
  _build/logs/build-error.log.
"""
from __future__ import annotations

import argparse
import concurrent.futures as cf
import contextlib
import ctypes
import errno
import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

import yaml

from .. import paths
from ..config import PlanConfig, default_plan, load_plan
from ..data.schema import DataError, display_path
from ..files import write_if_changed
from .fingerprint import page_fingerprint
from .kernel import private_kernel_manager
from .nbclean import clean_executed_notebook, intact
from .pages import Page, pages_for, render_toc
from . import targets
from .pdflink import link_pdfs

BUILD_FORMAT = 3  # bump to invalidate every executed page
JB_TEMPLATE = Path(__file__).with_name("jb_config.yml")
SITE_STAMP = ".planeval-site"  # inside the published site: the key of the inputs it was compiled from
KEPT_FROM_PUBLISHED = ("pdf",)  # written into the published site by `make pdf`, not by Sphinx: carried over
EXIT_DATA, EXIT_BUSY = 2, 75
DATA_READS = {"all", "presence", "chapter", "previous"}  # pages.yml `reads` that name tables of the plan


class BuildError(Exception):
    """A build step failed; the message says what, and what was left as it was."""


class BuildBusy(BuildError):
    """Another build holds the book root's lock."""


@dataclass(frozen=True)
class Edition:
    """Where one edition of one plan is built."""
    plan: PlanConfig
    year: int
    root: Path          # the Jupyter Book root: _config.yml, _toc.yml, book/
    committed: bool     # the committed book (book/ at the repository root)

    @property
    def book(self) -> Path:
        return self.root / "book"

    @property
    def data_param(self) -> str:
        """The plan folder as the notebooks see it (relative for the committed book, so nbval finds it)."""
        if self.committed:
            return os.path.relpath(self.plan.folder, self.book)
        return str(self.plan.folder)

    @property
    def build_dir(self) -> Path:
        return self.root / "_build"

    @property
    def site(self) -> Path:
        return self.build_dir / "html"

    @property
    def logs(self) -> Path:
        return self.build_dir / "logs"

    @property
    def pages(self) -> list[Page]:
        return pages_for(self.plan, self.year)


def edition_for(plan: str | Path | None = None, year: int | None = None, out: str | Path | None = None) -> Edition:
    """``plan``: a folder name under data/ or the path of a plan folder (default: the committed book's plan).
    Only the committed plan's default edition, built without ``out``, is written into book/."""
    committed = load_plan(default_plan())
    cfg = load_plan(plan or default_plan())
    year = int(year or cfg.default_edition)
    if year < cfg.period.start:  # an edition before the plan's first year has nothing of the plan to evaluate
        raise DataError("EVAL_YEAR (--eval-year)", value=year,
                        expected=f"a year from {cfg.period.start} on, the first year of {cfg.short_name} "
                                 f"({cfg.period.start}–{cfg.period.end})")
    if out is None and cfg.folder == committed.folder and year == cfg.default_edition:
        return Edition(cfg, year, paths.ROOT, True)
    root = Path(out).resolve() if out is not None else paths.BUILD / "books" / cfg.id / str(year)
    if root == paths.ROOT or paths.BOOK == root / "book" or paths.BOOK in root.parents:
        raise BuildError(f"{root} would overwrite the committed book (book/): choose another --out folder")
    return Edition(cfg, year, root, False)


def parameters_for(page: Page, edition: Edition) -> dict:
    params = {"eval_year": edition.year, "data_dir": edition.data_param}
    if page.chapter:
        params["chapter"] = page.chapter
    return params


def render_jb_config(edition: Edition) -> str:
    text = JB_TEMPLATE.read_text(encoding="utf-8")
    title = edition.plan.title_for(edition.year)
    copyright_ = yaml.safe_load(paths.BOOK_CONFIG.read_text(encoding="utf-8")).get("copyright", "")
    text = text.replace("title: TITLE", f"title: {json.dumps(title, ensure_ascii=False)}")
    if edition.plan.compiler:   # the footer names who compiled the report, as 评估工作情况 does
        text = text.replace("author: 规划实施评估报告书（依据公开数据和规划文本编制）",
                            f"author: {json.dumps(edition.plan.compiler, ensure_ascii=False)}")
    text = text.replace("copyright: COPYRIGHT", f"copyright: {json.dumps(str(copyright_), ensure_ascii=False)}")
    return "# Generated by `python -m planeval.book.build` from planeval/book/jb_config.yml. Do not edit.\n" + text


def prepare(edition: Edition) -> None:
    """The edition's _config.yml, _toc.yml and static files."""
    write_if_changed(edition.root / "_toc.yml", render_toc(edition.pages).encode("utf-8"))
    write_if_changed(edition.root / "_config.yml", render_jb_config(edition).encode("utf-8"))
    from ..report.vegabundle import write_vega_bundle

    write_vega_bundle(paths.STATIC)
    if not edition.committed:
        edition.book.mkdir(parents=True, exist_ok=True)
        shutil.copytree(paths.STATIC, edition.book / "_static", dirs_exist_ok=True)


# ------------------------------------------------------------------------------------------- the lock
def _after_lock(root: Path) -> None:
    """Called with the lock held, before anything is built. A no-op; tests replace it to hold a build inside
    the lock (tests/test_build_faults.py)."""


@contextlib.contextmanager
def build_lock(root: Path, wait: bool = True, log=print):
    """One build per book root at a time: an exclusive flock on <root>/_build/build.lock, released by the
    kernel when the process ends, however it ends. A second build waits for it, or (wait=False) is refused."""
    lock = root / "_build" / "build.lock"
    lock.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode(errors="replace").strip() or "another process"
            message = f"another build of this book is running ({holder}; lock {display_path(lock)})"
            if not wait:
                raise BuildBusy(f"{message}: nothing was built; run it again when that build has finished") from None
            log(f"  … {message}; waiting for it to finish")
            fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()}, started {time.strftime('%Y-%m-%d %H:%M:%S')}".encode(), 0)
        _after_lock(root)
        yield
    finally:
        os.close(fd)


# ------------------------------------------------------------------------------------------- notebooks
def _quiet_kernel_stderr(log_file: Path) -> None:
    """Kernels inherit this worker's stderr and print transport warnings there; send them to a log file so the
    build's own progress lines stay readable. Errors still surface: papermill raises with the failing cell."""
    log_file.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(log_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(fd, 2)
    os.close(fd)


def _execute(template: str, output: str, params: dict, cwd: str, fingerprint: str, words: dict,
             build_dir: str) -> float:
    """Run one page into a temporary file; only a run that reached the end replaces the target (an atomic
    rename on the same file system). A failed run is kept as _build/logs/<page>.failed.ipynb."""
    import papermill as pm

    start = time.perf_counter()
    out, work = Path(output), Path(build_dir)
    tmp = work / "tmp" / f"{out.stem}.{os.getpid()}.ipynb"
    tmp.parent.mkdir(parents=True, exist_ok=True)
    failed = work / "logs" / f"{out.stem}.failed.ipynb"
    failed.unlink(missing_ok=True)
    _quiet_kernel_stderr(work / "logs" / f"{out.stem}.log")
    try:
        with private_kernel_manager() as manager:
            # every output is in once the last cell reported idle: the kernel is stopped at once, not asked to
            # shut down and polled until it has
            pm.execute_notebook(template, str(tmp), parameters=params, cwd=cwd, kernel_name="python3",
                                progress_bar=False, log_output=False, request_save_on_cell_execute=False,
                                kernel_manager_class=manager, shutdown_kernel="immediate")
        clean_executed_notebook(tmp, params, fingerprint, words)
        unchanged = same_page(tmp, out)
        kept = out.stat() if unchanged else None
        os.replace(tmp, out)
        if kept:
            # Sphinx re-reads a page whose file is newer than its last reading. The page came out as before (only
            # the inputs key it records is new), so it keeps its date and the site step renders only the pages
            # whose output changed. The site's copy of the source (_sources/) is refreshed by build_html.
            os.utime(out, ns=(kept.st_atime_ns, kept.st_mtime_ns))
    except BaseException:
        if tmp.exists():
            os.replace(tmp, failed)
        raise
    return time.perf_counter() - start


def same_page(new: Path, old: Path) -> bool:
    """Whether two executed pages are the same but for the inputs key they record."""
    try:
        a, b = (json.loads(p.read_bytes()) for p in (new, old))
        for nb in (a, b):
            del nb["metadata"]["planeval"]["inputs_fingerprint"]
    except (OSError, ValueError, KeyError, TypeError):
        return False
    return a == b


def recorded_fingerprint(notebook: Path) -> str | None:
    """The inputs key an executed page records, when its outputs are intact (those the build recorded, no
    error among them); None when the file is missing, not one of ours, or altered since it was built."""
    try:
        with open(notebook, encoding="utf-8") as f:
            raw = json.load(f)
        key = raw["metadata"]["planeval"]["inputs_fingerprint"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return key if intact(raw) else None


def _failure_line(exc: BaseException) -> str:
    """One line for a failed page: a data error's own message, else the exception's last line."""
    if getattr(exc, "ename", None) == "DataError":
        return f"DataError: {exc.evalue}"
    text = str(exc).strip()
    return text.splitlines()[-1] if text else repr(exc)


def execute_pages(edition: Edition, force: bool = False, jobs: int | None = None, log=print,
                  when_work=None, meanwhile=None) -> list[str]:
    """Run papermill on every page whose inputs changed; return the files that were (re)executed.

    A page is current only when book/<page>.ipynb records the key of today's inputs: the key is written into
    the notebook by the run that produced it, and the notebook replaces its target only when that run
    succeeded, so a current-looking page is always the successful output of that key. ``meanwhile`` (the target
    cards and the downloads) runs in this process while the pages execute; with no page to execute, it runs alone."""
    todo = []
    for page in edition.pages:
        if page.template is None:  # written by the build itself (the target cards' list)
            continue
        params = parameters_for(page, edition)
        template = paths.TEMPLATES / page.template
        output = edition.book / f"{page.file}.ipynb"
        key = page_fingerprint(page, template, params, BUILD_FORMAT, edition.plan.folder)
        if not force and recorded_fingerprint(output) == key:
            log(f"  = {page.file:<14} unchanged, not re-executed")
        else:
            todo.append((page, template, output, params, key))
    if not todo:
        if meanwhile:
            meanwhile(None)
        return []
    if when_work:
        when_work()  # e.g. start Jupyter Book ahead (SphinxAhead) while the pages run
    from ..data.dataset import load_dataset

    dataset = load_dataset(edition.plan)  # a data error stops the build here, before any kernel starts
    shutil.rmtree(edition.build_dir / "tmp", ignore_errors=True)  # we hold the lock: leftovers are a crash's
    # One page more than cores: a kernel waits for messages about half of its life (start-up, each reply), and the
    # extra page fills those waits; more pages than that only contend for the cores.
    jobs = jobs or (os.cpu_count() or 1) + 1
    log(f"  executing {len(todo)} notebook(s) with papermill, {min(jobs, len(todo))} in parallel")
    # Every page starts at once, those that read no table of the plan first. The assessment is computed once,
    # here, while the kernels start; a page that needs it waits for it (Dataset.assess holds a lock while it
    # computes) and reads it from the cache.
    first = [t for t in todo if not set(t[0].reads) & DATA_READS]
    failures = []
    with cf.ProcessPoolExecutor(max_workers=min(jobs, len(todo))) as pool:
        futures = {pool.submit(_execute, str(t), str(o), p, str(edition.book), k, pg.words,
                               str(edition.build_dir)): pg for pg, t, o, p, k in first + [t for t in todo if t not in first]}
        dataset.assess(edition.year)
        if meanwhile:
            meanwhile(dataset)  # the cards need the assessment just computed; the kernels need this process no more
        for fut in cf.as_completed(futures):
            page = futures[fut]
            try:
                seconds = fut.result()
            except Exception as exc:  # report every failing page, not only the first
                failures.append(page.file)
                _write_log(edition.logs / f"{page.file}.error.log", "".join(traceback.format_exception(exc)))
                log(f"  ✗ {page.file:<14} failed: {_failure_line(exc)}")
                continue
            log(f"  ✓ {page.file:<14} {seconds:5.1f} s")
    if failures:
        logs = display_path(edition.logs)
        raise BuildError(f"notebook execution failed for: {', '.join(failures)} (the failed runs are kept as "
                         f"{logs}/<page>.failed.ipynb, tracebacks in {logs}/<page>.error.log); those pages in "
                         f"{display_path(edition.book)}/ and the site were left as they were")
    return [str(o) for _, _, o, _, _ in todo]


def remove_dropped_pages(edition: Edition) -> list[Path]:
    """After every page succeeded: the executed notebooks of pages the edition no longer has (a chapter removed
    from plan.yml, a page whose `when` no longer holds), which review and nbval would otherwise still check."""
    keep = {f"{p.file}.ipynb" for p in edition.pages if p.template}
    dropped = [nb for nb in edition.book.glob("*.ipynb") if nb.name not in keep]
    for nb in dropped:
        nb.unlink()
        print(f"  − {nb.stem:<14} no longer a page of this edition: removed")
    return dropped


# ------------------------------------------------------------------------------------------- the site
# Besides the book: the Sphinx extension our config loads, the cards' search entries (targets.py), and the pinned
# versions of Jupyter Book and Sphinx.
SITE_CODE = (paths.PACKAGE / "book" / "sphinx_offline.py", paths.PACKAGE / "book" / "targets.py", paths.ROOT / "pyproject.toml")


def site_fingerprint(root: Path) -> str:
    h = hashlib.sha256()
    for code in SITE_CODE:
        h.update(code.read_bytes())
    for path in sorted([root / "_config.yml", root / "_toc.yml", *(root / "book").rglob("*")]):
        if path.is_file() and ".ipynb_checkpoints" not in path.parts and not path.name.startswith("."):
            h.update(str(path.relative_to(root)).encode())
            h.update(path.read_bytes())
    return h.hexdigest()


SEARCH_TERMS = "_build/search-terms.txt"  # jb_config.yml: html_search_options.dict (relative to the book root)


def write_search_terms(root: Path, folder: Path) -> None:
    """Teach the Chinese word splitter (jieba) every indicator name, so that searching a full name such as
    地区生产总值 finds its chapter: Sphinx's search splits the query only at spaces and punctuation."""
    import csv

    names = set()
    with open(folder / "indicators.csv", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            for part in re.split(r"[（）()“”、，,：:\s*]+", row.get("name_zh") or ""):
                if len(part) >= 2 and not part.isascii():
                    names.add(part)
    write_if_changed(root / SEARCH_TERMS, "".join(f"{n} 100000 n\n" for n in sorted(names)).encode("utf-8"))


SITE_SOURCES = ".planeval-pages"  # in the work folder: the page list its Sphinx state was built from


def site_sources(root: Path, notebooks=None) -> str:
    """The site's page list: the toc and the notebooks in book/ (a page dropped changes it); ``notebooks``: the
    names they will be once the pages are executed (the edition's pages), for a decision taken before."""
    toc = (root / "_toc.yml").read_text(encoding="utf-8") if (root / "_toc.yml").is_file() else ""
    names = sorted(notebooks if notebooks is not None else (nb.name for nb in (root / "book").glob("*.ipynb")))
    return toc + "\n---\n" + "\n".join(names) + "\n"


def _exchange(a: Path, b: Path) -> bool:
    """Swap two directories in one atomic step (Linux renameat2 RENAME_EXCHANGE); False when unsupported."""
    try:
        fn = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def publish_site(staging: Path, site: Path) -> None:
    """Make the complete site in ``staging`` the published one; the old one is removed afterwards. Readers
    see either the old site or the new one, never a mixture."""
    if site.exists() and _exchange(staging, site):
        shutil.rmtree(staging)
        return
    old = site.with_name(f".html-old-{os.getpid()}")
    if site.exists():
        os.rename(site, old)
    os.rename(staging, site)
    shutil.rmtree(old, ignore_errors=True)


def _recover_site(build_dir: Path) -> None:
    """A build killed between the two renames of publish_site (no renameat2) leaves no html/ but the old
    site beside it: put it back. Leftover staging folders are removed (we hold the lock)."""
    site = build_dir / "html"
    for old in sorted(build_dir.glob(".html-old-*")):
        if not site.exists():
            os.rename(old, site)
        else:
            shutil.rmtree(old, ignore_errors=True)
    for staging in build_dir.glob(".html-new-*"):
        shutil.rmtree(staging, ignore_errors=True)


def jupyter_book_command(edition: Edition, work: Path) -> list[str]:
    return [str(Path(sys.executable).parent / "jupyter-book"), "build", str(edition.root), "--path-output",
            str(work), "-W", "-n", "--keep-going", "-q"]


def settle_site_work(edition: Edition, sources: str, force: bool = False) -> str:
    """Empty the site's work folder (Sphinx's incremental state) when the page list ``sources`` differs from the one
    it was built for, or on --force; return ``sources``. Sphinx never deletes the page of a document that left the
    toc: a withdrawn page (本版更新说明 with withdrawn figures) would stay in the site. A changed page list
    therefore starts from a clean folder."""
    work = edition.build_dir / "site-work"
    marker = work / SITE_SOURCES
    if force or not marker.is_file() or marker.read_text(encoding="utf-8") != sources:
        shutil.rmtree(work, ignore_errors=True)
    return sources


class SphinxAhead:
    """The site's `jupyter-book build`, started while the pages are executed (planeval.book.sphinx_warm): it
    imports Sphinx, loads the Chinese search dictionary and sets Sphinx up on the work folder meanwhile, and
    reads and writes the pages when told to; the same command, output and exit code as running jupyter-book
    after the pages. The work folder is settled first, as Sphinx loads its state from it at once."""

    def __init__(self, edition: Edition, force: bool = False):
        # the page list the site will have once every page is executed and the dropped ones removed
        pages = [f"{p.file}.ipynb" for p in edition.pages if p.template]
        self.sources = settle_site_work(edition, site_sources(edition.root, pages), force)
        # Sphinx checks at once that the downloads' folder (html_extra_path) exists; its files are written meanwhile
        (edition.book / "_extra").mkdir(parents=True, exist_ok=True)
        cmd = jupyter_book_command(edition, edition.build_dir / "site-work")
        self.proc = subprocess.Popen([sys.executable, "-m", "planeval.book.sphinx_warm", *cmd[1:]], cwd=edition.root,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True)

    def run(self) -> subprocess.CompletedProcess:
        out, err = self.proc.communicate("go\n")
        return subprocess.CompletedProcess(self.proc.args, self.proc.returncode, out, err)

    def cancel(self) -> None:
        """Stop it before it builds (it reads and writes no page until told to build)."""
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.communicate()


def build_html(edition: Edition, log=print, force: bool = False, ahead: SphinxAhead | None = None) -> Path:
    """Compile the site with Jupyter Book in strict mode (warnings are errors) into a work folder, and publish
    it as _build/html only when that succeeded. ``ahead``: the jupyter-book process started while the pages
    ran (it is used or cancelled here)."""
    root, site, build_dir = edition.root, edition.site, edition.build_dir
    _recover_site(build_dir)
    write_search_terms(root, edition.plan.folder)
    key = site_fingerprint(root)
    stamp = site / SITE_STAMP
    if not force and (site / "index.html").exists() and stamp.exists() and stamp.read_text() == key:
        if ahead:
            ahead.cancel()
        log("  = site unchanged, Jupyter Book not re-run")
        return site
    work = build_dir / "site-work"  # Sphinx's incremental state: kept between successful builds only
    marker = work / SITE_SOURCES
    sources = site_sources(root)
    if ahead and ahead.sources != sources:
        ahead.cancel()  # not the page list it was set up for (a page not executed by this build): set up afresh
        ahead = None
    if not ahead:
        settle_site_work(edition, sources, force)
    if ahead:
        proc = ahead.run()
    else:
        proc = subprocess.run(jupyter_book_command(edition, work), cwd=root, capture_output=True, text=True)
    if proc.returncode != 0:
        shutil.rmtree(work, ignore_errors=True)  # never reuse a half-written output
        _write_log(edition.logs / "site.log", proc.stdout + proc.stderr)
        sys.stderr.write(_sphinx_problems(proc.stdout + proc.stderr))
        raise BuildError(f"jupyter-book build failed (strict mode: every warning is an error; full output in "
                         f"{display_path(edition.logs / 'site.log')}); the published site {display_path(site)} was left as it was")
    marker.write_text(sources, encoding="utf-8")
    staging = build_dir / f".html-new-{os.getpid()}"
    shutil.copytree(work / "_build" / "html", staging)
    # Sphinx copies a page's source (_sources/) when it reads the page; a page re-executed with the same output
    # keeps its date and is not read again (_execute), so every copy is taken from the book as it is now
    for copied in (staging / "_sources").rglob("*"):
        source = root / copied.relative_to(staging / "_sources")
        if copied.is_file() and source.is_file():
            shutil.copyfile(source, copied)
    # the book's own stylesheets and scripts, as they are now: an incremental Sphinx run in which no page changed
    # keeps the copy of _static it made last time, so a change of report.css alone never reached the site
    if (edition.book / "_static").is_dir():
        shutil.copytree(edition.book / "_static", staging / "_static", dirs_exist_ok=True)
    # the target cards are pages of their own (not Sphinx's): beside the book's pages, as the book links them
    cards = edition.book / targets.FOLDER
    if cards.is_dir():
        shutil.copytree(cards, staging / "book" / targets.FOLDER, ignore=shutil.ignore_patterns(".*"),
                        dirs_exist_ok=True)
        targets.add_to_search(staging)
    for name in KEPT_FROM_PUBLISHED:
        if (site / name).is_dir() and not (staging / name).exists():
            shutil.copytree(site / name, staging / name)
    link_pdfs(staging)      # the printed edition is linked only when the site holds it
    (staging / SITE_STAMP).write_text(key)
    publish_site(staging, site)
    return site


def _sphinx_problems(output: str, limit: int = 40) -> str:
    lines = [ln for ln in output.splitlines() if re.search(r"WARNING|ERROR|Error|error:", ln)]
    return "\n".join((lines or output.splitlines())[-limit:]) + "\n"


# ------------------------------------------------------------------------------------------- command line
def _write_log(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def build(edition: Edition, args) -> int:
    from ..intake.commit import plan_lock, refuse_if_pending

    # the plan folder stays as one import left it while the pages and the site read it
    with build_lock(edition.root, wait=not args.no_wait), plan_lock(edition.plan.folder, shared=True):
        refuse_if_pending(edition.plan.folder)
        prepare(edition)
        if args.toc_only:
            return 0
        started = time.perf_counter()
        where = "book/" if edition.committed else display_path(edition.root)
        print(f"{edition.plan.title_for(edition.year)} — data through {edition.year} → {where}", flush=True)
        print("[1/2] notebooks (papermill)", flush=True)
        ahead = []
        try:
            has_cards = any(p.template is None for p in edition.pages)
            cards = has_cards and (args.force or not targets.current(edition))
            if has_cards and not cards:
                print(f"  = {'targets':<14} unchanged, not re-rendered")

            def meanwhile(dataset):
                """The build's own outputs (cards, downloads), written while the kernels run, from one report (on
                the dataset execute_pages loaded, if it did). Only the pages and the site wait for every page to
                succeed: a failed page leaves both as they were."""
                from ..report.context import open_report
                from .publish import write_downloads

                report = open_report(str(edition.plan.folder), edition.year)
                if dataset is not None:
                    report.ds = dataset
                if cards:
                    targets.write_cards(edition, report=report)
                write_downloads(edition, report=report)

            execute_pages(edition, force=args.force, jobs=args.jobs,
                          when_work=None if args.no_html else lambda: ahead.append(SphinxAhead(edition, args.force)),
                          meanwhile=meanwhile)
            remove_dropped_pages(edition)
            if args.no_html:
                return 0
            print("[2/2] site (jupyter-book, strict)", flush=True)
            t = time.perf_counter()
            site = build_html(edition, force=args.force, ahead=ahead.pop() if ahead else None)
        finally:
            for process in ahead:  # not used: the build stopped before the site
                process.cancel()
        print(f"  ✓ site ready in {time.perf_counter() - t:.1f} s")
        print(f"done in {time.perf_counter() - started:.1f} s — open {display_path(site)}/index.html")
    return 0


def main(argv=None) -> int:
    """The command line. A failed build raises SystemExit with its exit code (2 data error, 75 another build
    holds the lock, 1 anything else), so a caller such as planeval.book.pdf stops too."""
    code = run(argv)
    if code:
        raise SystemExit(code)
    return 0


def run(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plan", help="plan folder under data/, or the path of a plan folder "
                                       "(default: the committed book's plan)")
    parser.add_argument("--eval-year", type=int, help="the edition: last year of data the evaluation considers")
    parser.add_argument("--out", help="book root for a non-committed edition (default: _build/books/<plan>/<year>)")
    parser.add_argument("--force", action="store_true", help="re-execute every notebook and rebuild the whole site")
    parser.add_argument("--jobs", type=int, default=None, help="notebooks run in parallel (default: cores + 1)")
    parser.add_argument("--no-html", action="store_true", help="execute notebooks only")
    parser.add_argument("--no-wait", action="store_true", help="refuse, instead of waiting, when another build runs")
    parser.add_argument("--toc-only", action="store_true", help="regenerate _toc.yml and _config.yml and stop")
    args = parser.parse_args(argv)
    edition = None
    try:
        edition = edition_for(args.plan, args.eval_year, args.out)
        return build(edition, args)
    except DataError as exc:
        # the message names file, row, column, value and what was expected: it comes first and alone
        log = (edition.logs if edition else paths.BUILD / "logs") / "build-error.log"
        _write_log(log, "".join(traceback.format_exception(exc)))
        sys.stdout.flush()
        print(f"✗ {exc}", file=sys.stderr)
        print(f"  nothing was published (traceback: {display_path(log)})", file=sys.stderr)
        return EXIT_DATA
    except BuildBusy as exc:
        print(f"✗ {exc}", file=sys.stderr)
        return EXIT_BUSY
    except BuildError as exc:
        sys.stdout.flush()
        print(f"✗ {exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # a full disk or a read-only folder: one message; the published site is the last good one
        log = (edition.logs if edition else paths.BUILD / "logs") / "build-error.log"
        try:
            _write_log(log, "".join(traceback.format_exception(exc)))
            where = f" (traceback: {display_path(log)})"
        except OSError:
            where = ""
        sys.stdout.flush()
        what = "the disk is full" if exc.errno == errno.ENOSPC else f"could not read or write ({exc.strerror or exc})"
        print(f"✗ {what}{': ' + str(exc.filename) if exc.filename else ''}; free space (or fix the folder) and run "
              f"the build again", file=sys.stderr)
        print(f"  nothing was published: the site is the last good one, and each page of book/ is its last "
              f"complete run{where}", file=sys.stderr)
        return EXIT_DATA


if __name__ == "__main__":
    code = run()
    # Every file is written and closed, the pages' pool and the locks released: the process ends without tearing
    # down its objects one by one (frames, the report, the chart library), about 0.2 s that the caller would wait.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
