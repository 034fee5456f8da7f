"""The retrospective's 完成情况 column shows the figures the verdict rests on (the engine's audit), each year once,
not every release of every year the folder holds; a withheld verdict (basis change) shows what was published.
Expected cells are typed from the plan folders' observations.csv by hand."""
import re

import pytest

from planeval.report.context import open_report
from planeval.report.tables import retrospective_table


def cells(plan: str, year: int) -> dict:
    html = retrospective_table(open_report(f"data/{plan}", year))
    out = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", html, re.S):
        tds = [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        if tds:
            out[re.sub(r"[①-⑳]+$", "", tds[0])] = tds[2]
    return out


@pytest.fixture(scope="module")
def n15():
    return cells("national-15th", 2026)


def test_a_yearly_rule_shows_each_year_it_used_once(n15):
    # p01: the yearly growth rates 2021–2025 the average is taken over (5.4 is the census-revised 2023 rate)
    assert n15["国内生产总值（GDP）增长（%）"] == "2021年8.6%；2022年3.1%；2023年5.4%；2024年5%；2025年5%"


def test_a_withheld_verdict_shows_both_bases_and_a_lower_bound_says_so(n15):
    assert n15["单位GDP能源消耗降低（%）"] == "2021年2.7%；2022年0.1%；2023年0.5%；2024年3.8%；2025年5.1%"
    assert n15["数字经济核心产业增加值占GDP比重（%）"] == "2024年10.5%；2025年10.5%以上"


def test_a_single_figure_has_no_year_and_a_period_total_its_span():
    yz = cells("yinzhou-14th", 2023)
    assert yz["地区生产总值（GDP）（亿元）"] == "2266.1亿元"
    assert yz["累计实际利用外资（亿美元）"] == "累计27.48亿美元（2016—2020年）"
