"""The site's footer names who compiled the report, as 评估工作情况 does (it said «作者：规划实施评估报告书…»,
a document as its own author, unlike 编制单位：规划评估报告书编制组)."""
import yaml

from planeval.book.build import edition_for, render_jb_config


def test_the_footer_author_is_the_compiler():
    ed = edition_for("yinzhou-14th")
    config = yaml.safe_load(render_jb_config(ed))
    assert ed.plan.compiler and config["author"] == ed.plan.compiler
