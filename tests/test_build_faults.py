"""A failed build never publishes anything and never loses the last good book or site (issue 17 #3).

Faults are injected, not waited for: a page template that raises, a notebook altered after it was built, a
strict Sphinx failure, a second build started while a first one is held inside the lock by a hook, a bad
CSV and a bad plan.yml. Each test works on a copy of the SYNTHETIC plan's built book (conftest.synthetic_book).
"""
import json
import shutil
import subprocess
import time

import nbformat
import pytest

from conftest import (SYNTHETIC_PLAN, build_command, build_env, copy_root, run_build, snapshot)
from planeval import paths

pytestmark = pytest.mark.slow
FAULT = 'if chapter == "wellbeing":\n    raise RuntimeError("injected fault")'


def built_copy(synthetic_book, tmp_path):
    return copy_root(synthetic_book, tmp_path / "root")


def args(root, *extra):
    return ("--plan", SYNTHETIC_PLAN, "--eval-year", "2028", "--out", root, *extra)


def templates_with(tmp_path, source: str | None) -> object:
    """A copy of notebooks/ whose chapter template has one more code cell (``source``) after its first code
    cell that follows the parameters."""
    folder = tmp_path / "templates"
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(paths.TEMPLATES, folder)
    if source is not None:
        path = folder / "chapter.ipynb"
        nb = nbformat.read(path, as_version=4)
        at = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", [])) + 2
        cell = nbformat.v4.new_code_cell(source)
        cell.id = "injected-test-cell"
        nb.cells.insert(at, cell)
        nbformat.write(nb, path)
    return folder


def site_and_book(root) -> dict:
    return {"site": snapshot(root / "_build" / "html"),
            "book": {p.name: p.read_bytes() for p in (root / "book").glob("*.ipynb")}}


def error_outputs(path) -> list:
    nb = nbformat.read(path, as_version=4)
    return [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.output_type == "error"]


def test_failed_page_is_never_published_and_re_executes_once_fixed(synthetic_book, tmp_path):
    root = built_copy(synthetic_book, tmp_path)
    before = site_and_book(root)

    broken = templates_with(tmp_path, FAULT)
    proc = run_build(*args(root), templates=broken)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "✗ wellbeing" in proc.stdout and "injected fault" in proc.stdout
    assert "left as they were" in proc.stderr
    after = site_and_book(root)
    assert after["book"]["wellbeing.ipynb"] == before["book"]["wellbeing.ipynb"]   # the last good page
    assert after["site"] == before["site"]                                          # nothing published
    assert not error_outputs(root / "book" / "wellbeing.ipynb")
    assert error_outputs(root / "_build" / "logs" / "wellbeing.failed.ipynb")       # kept for the analyst
    assert not list((root / "_build").glob("tmp/*.ipynb"))

    again = run_build(*args(root), templates=broken)                               # still broken: tried again
    assert again.returncode == 1 and "✗ wellbeing" in again.stdout
    assert "wellbeing      unchanged" not in again.stdout

    fixed = templates_with(tmp_path, 'fixed = "the template was repaired"')        # fixed, but not the original
    proc = run_build(*args(root), templates=fixed)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "✓ wellbeing" in proc.stdout
    nb = nbformat.read(root / "book" / "wellbeing.ipynb", as_version=4)
    assert any(c.source == 'fixed = "the template was repaired"' for c in nb.cells)
    assert not error_outputs(root / "book" / "wellbeing.ipynb")
    assert snapshot(root / "_build" / "html") != before["site"]                     # now published


def test_a_notebook_altered_after_its_build_is_not_current(synthetic_book, tmp_path):
    """The key a notebook records counts only with the outputs it was recorded with: an error output pasted
    into a page (as a failed run written over it would leave) makes the next build re-execute the page."""
    root = built_copy(synthetic_book, tmp_path)
    path = root / "book" / "environment.ipynb"
    raw = json.loads(path.read_text(encoding="utf-8"))
    code = next(c for c in raw["cells"] if c["cell_type"] == "code" and c.get("outputs"))
    code["outputs"].append({"output_type": "error", "ename": "RuntimeError", "evalue": "forged", "traceback": []})
    path.write_text(json.dumps(raw, ensure_ascii=False, indent=1), encoding="utf-8")
    proc = run_build(*args(root, "--no-html"))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "✓ environment" in proc.stdout
    assert not error_outputs(path)
    assert "✓ prosperity" not in proc.stdout   # the other pages are current


def test_failed_sphinx_run_leaves_the_last_good_site(synthetic_book, tmp_path):
    root = built_copy(synthetic_book, tmp_path)
    good_site = snapshot(root / "_build" / "html")
    path = root / "book" / "environment.ipynb"
    original = path.read_bytes()
    nb = nbformat.read(path, as_version=4)
    md = next(c for c in nb.cells if c.cell_type == "markdown")
    md.source += "\n\n见{doc}`no-such-page`。"   # a strict (-W -n) Sphinx build fails on this reference
    nbformat.write(nb, path)

    proc = run_build(*args(root))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "jupyter-book build failed" in proc.stderr and "was left as it was" in proc.stderr
    assert "no-such-page" in proc.stderr
    assert snapshot(root / "_build" / "html") == good_site
    assert not (root / "_build" / "site-work").exists()          # a failed run's output is never reused
    assert not list((root / "_build").glob(".html-*"))

    path.write_bytes(original)
    proc = run_build(*args(root))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert snapshot(root / "_build" / "html") == good_site         # it was, and is, the site of these inputs


def test_second_build_waits_or_is_refused_while_the_first_holds_the_lock(synthetic_book, tmp_path):
    root = built_copy(synthetic_book, tmp_path)
    before = site_and_book(root)
    held, release = tmp_path / "held", tmp_path / "release"
    first = subprocess.Popen(build_command(*args(root), hook_files=(held, release)), cwd=paths.ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=build_env())
    waiting = None
    try:
        deadline = time.monotonic() + 120
        while not held.exists():  # the first build is inside the lock once its hook has run
            assert first.poll() is None, first.communicate()
            assert time.monotonic() < deadline, "the first build never took the lock"
            time.sleep(0.05)

        refused = run_build(*args(root, "--no-wait"))
        assert refused.returncode == 75
        assert f"another build of this book is running (pid {first.pid}" in refused.stderr
        assert "nothing was built" in refused.stderr

        waiting = subprocess.Popen(build_command(*args(root)), cwd=paths.ROOT, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True, env=build_env())
        line = waiting.stdout.readline()          # blocks until the second build reports that it waits
        assert "waiting for it to finish" in line and f"pid {first.pid}" in line
        assert waiting.poll() is None             # still blocked: the first build holds the lock
    finally:
        release.write_text("go")
    out, err = first.communicate(timeout=300)
    assert first.returncode == 0, out + err
    out, err = waiting.communicate(timeout=300)
    assert waiting.returncode == 0, out + err
    assert "site unchanged" in out                # it ran after the first one, on a finished book
    assert site_and_book(root) == before


def test_bad_csv_prints_the_data_error_alone_and_changes_nothing(synthetic_book, tmp_path):
    root = built_copy(synthetic_book, tmp_path)
    plan = tmp_path / "plan"
    shutil.copytree(SYNTHETIC_PLAN, plan)
    obs = plan / "observations.csv"
    lines = obs.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2] = lines[2].replace(",110,level,", ",110亿元,level,", 1)   # file line 3: a unit typed into a value
    obs.write_text("".join(lines), encoding="utf-8")
    before = site_and_book(root)
    proc = run_build("--plan", plan, "--eval-year", "2028", "--out", root)
    assert proc.returncode == 2
    err = proc.stderr.splitlines()
    assert err[0] == (f"✗ {obs}, row 3, column 'value': found '110亿元'; "
                      "expected a number (no units, % signs or separators)")
    assert len(err) == 2 and "traceback: " in err[1]
    assert "Traceback" not in proc.stdout + proc.stderr
    assert "Traceback" in (root / "_build" / "logs" / "build-error.log").read_text(encoding="utf-8")
    assert site_and_book(root) == before


def test_bad_plan_yml_prints_the_data_error_alone(tmp_path):
    plan = tmp_path / "plan"
    shutil.copytree(SYNTHETIC_PLAN, plan)
    text = (plan / "plan.yml").read_text(encoding="utf-8")
    (plan / "plan.yml").write_text(text.replace("period: {start: 2026, end: 2030}", "period: 2026-2030"),
                                   encoding="utf-8")
    root = tmp_path / "root"
    proc = run_build("--plan", plan, "--out", root)
    assert proc.returncode == 2
    err = proc.stderr.splitlines()
    assert err[0] == f"✗ {plan / 'plan.yml'}, column 'period': found '2026-2030'; expected {{start: <year>, end: <year>}}"
    assert len(err) == 2 and "Traceback" not in proc.stdout + proc.stderr
    assert not root.exists()   # nothing was written


def test_a_new_site_replaces_the_old_whole_and_keeps_the_printed_pdf(synthetic_book, tmp_path):
    root = built_copy(synthetic_book, tmp_path)
    site = root / "_build" / "html"
    (site / "pdf").mkdir()
    (site / "pdf" / "report.pdf").write_bytes(b"%PDF- written by make pdf")
    (site / "stale.html").write_text("a page the new build no longer has")
    path = root / "book" / "environment.ipynb"
    nb = nbformat.read(path, as_version=4)
    next(c for c in nb.cells if c.cell_type == "markdown").source += "\n\n新增的一句话。"
    nbformat.write(nb, path)
    proc = run_build(*args(root))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "新增的一句话" in (site / "book" / "environment.html").read_text(encoding="utf-8")
    assert not (site / "stale.html").exists()                     # the old site is gone, not overwritten
    assert (site / "pdf" / "report.pdf").read_bytes() == b"%PDF- written by make pdf"
    assert sorted(p.name for p in (root / "_build").iterdir() if p.name.startswith(".html")) == []


# Every TCP port a kernel could be given is one this test holds: what happens when two kernels started at the
# same moment pick the same "free" port ("ZMQError: Address already in use", seen in a parallel build).
PORT_TAKEN = ["import socket", "import jupyter_client.connect as jc",
              "_held = socket.socket(); _held.bind(('127.0.0.1', 0)); _held.listen()",
              "jc.LocalPortCache.find_available_port = lambda self, ip: _held.getsockname()[1]"]


def test_the_injected_port_clash_kills_a_tcp_kernel(tmp_path):
    """The fault below is real: a kernel on TCP whose port is taken dies before it answers."""
    script = PORT_TAKEN + [
        "import nbformat, papermill as pm, sys",
        "from jupyter_client import AsyncKernelManager",
        "nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('1')])",
        f"nbformat.write(nb, {str(tmp_path / 'in.ipynb')!r})",
        "try:",
        f"    pm.execute_notebook({str(tmp_path / 'in.ipynb')!r}, {str(tmp_path / 'out.ipynb')!r}, "
        "kernel_name='python3', progress_bar=False, kernel_manager_class=AsyncKernelManager)",
        "except RuntimeError as e:",
        "    print('kernel failed:', e); sys.exit(3)"]
    proc = subprocess.run([build_command()[0], "-c", "\n".join(script)], capture_output=True, text=True,
                          env=build_env(), timeout=300)
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert "Kernel died" in proc.stdout


def test_a_port_clash_does_not_fail_a_build(synthetic_book, tmp_path):
    """The build's kernels do not use TCP ports at all, so the same clash leaves every page healthy."""
    root = built_copy(synthetic_book, tmp_path)
    proc = run_build(*args(root, "--force"), prelude=PORT_TAKEN)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "✓ wellbeing" in proc.stdout and "✗" not in proc.stdout
    assert not list((root / "book").glob("kernel*")), "no socket file is left in the book"


def test_a_build_refuses_a_plan_folder_with_an_interrupted_import(synthetic_book, tmp_path):
    from planeval.intake.commit import JOURNAL

    root = built_copy(synthetic_book, tmp_path)
    plan = tmp_path / "plan"
    shutil.copytree(SYNTHETIC_PLAN, plan)
    (plan / JOURNAL).write_text("{}", encoding="utf-8")      # what a crash between the replaces leaves
    before = site_and_book(root)
    proc = run_build("--plan", plan, "--eval-year", "2028", "--out", root)
    assert proc.returncode == 2 and "an interrupted import" in proc.stderr
    assert site_and_book(root) == before


def test_a_build_waits_while_an_import_holds_the_plan_folder(synthetic_book, tmp_path):
    from planeval.intake.commit import plan_lock

    root = built_copy(synthetic_book, tmp_path)
    plan = tmp_path / "plan"
    shutil.copytree(SYNTHETIC_PLAN, plan)
    with plan_lock(plan):                                      # this process stands for an import in progress
        waiting = subprocess.Popen(build_command("--plan", plan, "--eval-year", "2028", "--out", root),
                                   cwd=paths.ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                   env=build_env())
        line = waiting.stdout.readline()                       # blocks until the build reports that it waits
        assert "an import into" in line and "waiting for it to finish" in line
        assert waiting.poll() is None
    out, err = waiting.communicate(timeout=300)
    assert waiting.returncode == 0, out + err
