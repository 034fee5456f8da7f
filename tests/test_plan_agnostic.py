"""The package knows no plan (issue 12): no district name, no plan year and no registry id prefix is written
into planeval/ or the page templates (notebooks/), in code, comments or prose. They live only in
data/<plan>/ and in test fixtures. Each offending line is listed with its file and line number."""
import re

import nbformat
import pytest

from planeval import paths
from planeval.config import load_plan

YEARS = re.compile(r"(?<![0-9])(?<!\\u)(201[6-9]|202[0-9]|2030)(?![0-9])")   # plan years (not \u2028 escapes)
ID_PREFIXES = re.compile(r"\b(t[12]_|goal_|ch\d)")                   # registry ids of a plan (t2_01, ch3_…)


def place_names() -> set:
    """Every plan's territory, issuer and place names (宁波市鄞州区 → 宁波, 鄞州), and the romanized names in
    the plan folders' names (yinzhou-14th → yinzhou)."""
    names = set()
    for plan_yml in sorted(paths.DATA.glob("*/plan.yml")):
        plan = load_plan(plan_yml.parent)
        names |= {plan.territory, plan.issuer} - {""}
        names |= set(re.findall(r"([\u4e00-\u9fff]{2})[省市区县]", plan.territory + plan.issuer))
        names.add(plan_yml.parent.name.split("-")[0].lower())
    return names


NAMES = place_names()
# The method's own dated history and its quoted published anchors (dates of rule changes and publications, the
# plan folder whose reference verdicts a rule version met) are records, not plan wording: the one exempt file.
HISTORY = paths.PACKAGE / "engine" / "rule_history.yml"


def lines_of(path):
    """(line number, text) of a package file, or of a template's cell sources (templates carry no outputs)."""
    if path.suffix == ".ipynb":
        nb = nbformat.read(path, as_version=4)
        n = 0
        for i, cell in enumerate(nb.cells):
            for line in cell.source.splitlines():
                n += 1
                yield f"cell {i}", line
        return
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        yield n, line


FILES = sorted([p for p in paths.PACKAGE.rglob("*") if p.suffix in (".py", ".yml") and "__pycache__" not in p.parts
                and p != HISTORY]
               + list(paths.TEMPLATES.glob("*.ipynb")))


def test_there_are_place_names_to_look_for():
    assert len(NAMES) >= 3   # e.g. the territory, its city and district, the romanized folder name


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(paths.ROOT)) for p in FILES])
def test_file_names_no_district_no_plan_year_no_id_prefix(path):
    found = []
    for where, line in lines_of(path):
        names = [n for n in NAMES if n in line or n in line.lower()]
        years = YEARS.findall(line)
        prefixes = ID_PREFIXES.findall(line)
        if names or years or prefixes:
            what = ", ".join([*names, *years, *prefixes])
            found.append(f"{path.relative_to(paths.ROOT)}:{where}: {what}: {line.strip()[:100]}")
    assert found == [], "\n".join(found)
