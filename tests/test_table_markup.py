"""The hooks fmt.html_table gives the stylesheet (book/_static/report.css): every cell labelled with its header,
the key cell marked, figures and hyphen-joined ranges kept whole, escaping untouched. SYNTHETIC values."""
import re

from planeval.report.fmt import html_table

COLUMNS = [("name", "指标"), ("latest", "最新值（年份）"), ("date", "发布日期"), ("share", "完成进度")]


def table(**row):
    return html_table([row], COLUMNS, numeric={"share"}, key="name", raw=set())


def cells(html):
    return re.findall(r"<td([^>]*)>(.*?)</td>", html)


def test_every_cell_carries_its_header_and_the_key_cell_is_marked():
    html = table(name="合成指标", latest="12.5亿元（2023年）", date="2021-01-28", share="62%")
    attrs = [a for a, _ in cells(html)]
    assert [re.search(r'data-label="([^"]*)"', a).group(1) for a in attrs] == [label for _, label in COLUMNS]
    assert 'class="card-key"' in attrs[0] and 'role="rowheader"' in attrs[0]
    assert 'class="num"' in attrs[3]
    assert 'role="table"' in html and html.count('role="row"') == 2


def test_a_cell_holding_only_a_figure_is_marked_to_stay_whole():
    attrs = [a for a, _ in cells(table(name="甲", latest="暂无数据", date="2021-01-28", share="—"))]
    assert 'class="figure"' in attrs[2]
    assert "figure" not in attrs[1]


def test_hyphen_joined_figures_inside_text_are_kept_whole_and_text_stays_escaped():
    html = table(name="<b>甲</b>", latest="每年形成5-10家，2021-01-28发布 <img src=x>", date="", share="")
    _, latest = cells(html)[1]
    assert '<span class="figure">5-10</span>' in latest and '<span class="figure">2021-01-28</span>' in latest
    assert "&lt;img src=x&gt;" in latest and "<img" not in html
    assert "&lt;b&gt;甲&lt;/b&gt;" in html
