"""The conda spec and the pip pins must name the same packages at the same versions."""
import tomllib

import yaml

from planeval import paths


def pip_pins_from_pyproject():
    project = tomllib.loads((paths.ROOT / "pyproject.toml").read_text())["project"]
    pins = list(project["dependencies"]) + [p for extra in project["optional-dependencies"].values() for p in extra]
    return {p.split("==")[0].lower(): p.split("==")[1] for p in pins}


def pip_pins_from_environment_yml():
    env = yaml.safe_load((paths.ROOT / "environment.yml").read_text())
    pip_block = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    return {p.split("==")[0].lower(): p.split("==")[1] for p in pip_block if "==" in p}


def test_every_dependency_is_pinned_exactly():
    project = tomllib.loads((paths.ROOT / "pyproject.toml").read_text())["project"]
    loose = [p for p in project["dependencies"] if "==" not in p]
    assert loose == []


def test_environment_yml_and_pyproject_agree():
    assert pip_pins_from_environment_yml() == pip_pins_from_pyproject()


def test_jupyter_book_is_pinned_below_2():
    assert pip_pins_from_pyproject()["jupyter-book"].startswith("1.")
