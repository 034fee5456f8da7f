import hashlib
import shutil
import subprocess
import sys

import pytest

from planeval import paths


@pytest.fixture(scope="session")
def built_site():
    """The HTML site built from the committed notebooks (no re-execution): what readers get."""
    from planeval.book import build
    from planeval.book.publish import write_downloads

    edition = build.edition_for()
    with build.build_lock(edition.root):
        build.prepare(edition)
        write_downloads(edition)
        return build.build_html(edition, log=lambda *a: None)


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
def data_dir(tmp_path):
    """A tmp copy of the SYNTHETIC intake fixture data dir (tests/fixtures/intake/data/)."""
    target = tmp_path / "data"
    shutil.copytree(paths.ROOT / "tests" / "fixtures" / "intake" / "data", target)
    return target
