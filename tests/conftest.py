import hashlib
import shutil
import subprocess
import sys

import pytest

from planeval import paths


@pytest.fixture(scope="session")
def built_site():
    """The HTML site built from the committed notebooks (no re-execution): what readers get."""
    from yinzhou_eval import build
    from yinzhou_eval.publish import write_downloads

    config = build.load_config()
    build.write_static_assets()
    write_downloads(config["default_eval_year"])
    return build.build_html(paths.ROOT, log=lambda *a: None)


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
