import hashlib
import shutil
import subprocess
import sys

import pytest

from planeval import paths


@pytest.fixture(scope="session")
def built_site():
    """The HTML site of the committed book, compiled from the committed notebooks (no re-execution): what
    readers get. Compiled in full (``force``): an incremental Sphinx run with no changed page does not copy
    changed static files (report.css), so the site could otherwise test yesterday's stylesheet."""
    from planeval.book import build
    from planeval.book.publish import write_downloads

    edition = build.edition_for()
    with build.build_lock(edition.root):
        build.prepare(edition)
        write_downloads(edition)
        return build.build_html(edition, log=lambda *a: None, force=True)


@pytest.fixture(scope="session")
def chromium_path():
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.fail("Debian's chromium is required: run `make test` (it installs it) or tests/install_system_deps.sh")
    return path


def run_pytest(args, cwd):
    return subprocess.run([sys.executable, "-m", "pytest", *args], cwd=cwd, capture_output=True, text=True)


def snapshot(directory) -> dict:
    """Hash of every file under ``directory``: equal snapshots mean nothing was written."""
    return {str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(directory.rglob("*")) if p.is_file()}


@pytest.fixture
def plan_dir(tmp_path):
    """A tmp copy of the SYNTHETIC intake fixture plan folder (tests/fixtures/intake/plan/)."""
    target = tmp_path / "plan"
    shutil.copytree(paths.ROOT / "tests" / "fixtures" / "intake" / "plan", target)
    return target


# ------------------------------------------------------------------------------ builds (planeval.book.build)
SYNTHETIC_PLAN = paths.ROOT / "tests" / "fixtures" / "plans" / "synthetic-15th"


def run_build(*args, templates=None, prelude=()):
    """``python -m planeval.book.build ARGS`` in a fresh process, as `make book` runs it. ``templates``: a
    folder of page templates to use instead of notebooks/ (fault injection). Returns the finished process."""
    return subprocess.run(build_command(*args, templates=templates, prelude=prelude), cwd=paths.ROOT,
                          capture_output=True, text=True, env=build_env())


def build_command(*args, templates=None, hook_files=None, prelude=()):
    """The command line of a build; ``hook_files`` = (held, release): the build, once inside its lock, creates
    ``held`` and waits until ``release`` exists (tests/test_build_faults.py). ``prelude``: lines of Python run
    first (fault injection)."""
    script = ["import sys, time", "from pathlib import Path", "from planeval import paths", *prelude]
    if templates:
        script.append(f"paths.TEMPLATES = Path({str(templates)!r})")
    script.append("from planeval.book import build")
    if hook_files:
        held, release = (str(p) for p in hook_files)
        script += ["def hold(root):",
                   f"    Path({held!r}).write_text('held')",
                   f"    while not Path({release!r}).exists():",
                   "        time.sleep(0.05)",
                   "build._after_lock = hold"]
    script.append("sys.exit(build.main(sys.argv[1:]))")
    return [sys.executable, "-c", "\n".join(script), *[str(a) for a in args]]


def build_env():
    import os

    return dict(os.environ, PYTHONUNBUFFERED="1")


@pytest.fixture(scope="session")
def synthetic_book(tmp_path_factory):
    """The SYNTHETIC plan's mid-term edition (2028), notebooks and site, built once into a temporary root
    with no code change. Tests that change it work on a copy (copy_root)."""
    root = tmp_path_factory.mktemp("synthetic") / "book-2028"
    proc = run_build("--plan", SYNTHETIC_PLAN, "--eval-year", "2028", "--out", root)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return root


def copy_root(root, dest):
    """A copy of a built book root (file times kept, so Sphinx's incremental state stays valid)."""
    shutil.copytree(root, dest, symlinks=True)
    return dest
