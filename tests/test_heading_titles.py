"""A section of one page never bears another page's title: the national PDF had both «7.8 方法检验» (a section of
评估方法) and «8 方法检验» (the page), two bookmarks of one name for different things. And a book whose plan holds no
published evaluation does not point to an appendix it does not have."""
import re

import nbformat

from planeval import paths
from planeval.report import validation
from planeval.report.context import open_report


def _markdown(template: str) -> str:
    nb = nbformat.read(paths.TEMPLATES / template, as_version=4)
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def test_no_section_bears_a_page_title():
    templates = sorted(p.name for p in paths.TEMPLATES.glob("*.ipynb"))
    titles = {t: re.search(r"(?m)^# (.+)$", _markdown(t)).group(1).strip() for t in templates}
    for t in templates:
        sections = {h.strip() for h in re.findall(r"(?m)^##+ (.+)$", _markdown(t))}
        clash = sections & {v for k, v in titles.items() if k != t}
        assert not clash, f"{t}: a section is titled like another page: {clash}"


def test_the_pointer_to_the_validation_appendix_only_where_it_exists():
    assert "附录“方法检验”" not in _markdown("methodology.ipynb")
    assert "附录“方法检验”" not in validation.summary_markdown(open_report("data/yinzhou-14th", 2023))
    assert "附录“方法检验”" in validation.summary_markdown(open_report("data/national-14th", 2023))
