"""A plan is data: a SYNTHETIC plan (tests/fixtures/plans/synthetic-15th: an invented territory, period
2026-2030, baseline 2025, three chapters, scopes of its own, one target of each form) is built end to end by
`python -m planeval.book.build --plan <its folder>` with no code change, into a temporary folder. Every
status the book shows is checked against values computed here by hand from the fixture's numbers."""
import csv
import json
import math
from html.parser import HTMLParser

import nbformat
import pytest
import yaml

from conftest import SYNTHETIC_PLAN, run_build
from planeval import paths
from planeval.config import load_plan

pytestmark = pytest.mark.slow
PLAN = load_plan(SYNTHETIC_PLAN)
REPORT_TITLE = "合成市“十五五”规划（SYNTHETIC）"
MODERATE, ON_TRACK, AHEAD = 0.60, 0.95, 1.10    # planeval/engine/rules.yml thresholds, restated by hand


class StatusRows(HTMLParser):
    """The rows of every status table (class status-table) on a page or in a notebook output: one dict per
    row, cell text by the cell's data-label."""

    def __init__(self):
        super().__init__()
        self.rows, self._table, self._cell, self._row = [], 0, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table" and "status-table" in (a.get("class") or ""):
            self._table += 1
        elif self._table and tag == "tr":
            self._row = {}
        elif self._table and tag == "td" and self._row is not None:
            self._cell = a.get("data-label", "")
            self._row[self._cell] = ""

    def handle_endtag(self, tag):
        if tag == "table" and self._table:
            self._table -= 1
        elif tag == "tr" and self._row:
            self.rows.append(self._row)
            self._row = None
        elif tag == "td":
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None and self._row is not None:
            self._row[self._cell] += data


def statuses(html_texts) -> dict:
    """{indicator name: row} from status tables; the name cell reads 名称（单位）plus note marks."""
    parser = StatusRows()
    for text in html_texts:
        parser.feed(text)
    marks = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
    return {row["指标"].split("（")[0].strip().rstrip(marks): row for row in parser.rows}


def site_statuses(root) -> dict:
    out = {}
    for chapter in PLAN.chapters:
        out.update(statuses([(root / "_build" / "html" / "book" / f"{chapter.id}.html").read_text(encoding="utf-8")]))
    return out


def notebook_html(path) -> list[str]:
    nb = nbformat.read(path, as_version=4)
    return [o["data"]["text/html"] for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
            if "text/html" in o.get("data", {})]


def notebook_text(path) -> str:
    """Everything a reader reads on a page: markdown cells and every html or markdown output."""
    nb = nbformat.read(path, as_version=4)
    parts = [c.source for c in nb.cells if c.cell_type == "markdown"]
    parts += [o["data"][mime] for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
              for mime in ("text/html", "text/markdown") if mime in o.get("data", {})]
    return "\n".join(parts)


def notebook_statuses(book) -> dict:
    out = {}
    for chapter in PLAN.chapters:
        out.update(statuses(notebook_html(book / f"{chapter.id}.ipynb")))
    return out


def pace_class(r: float) -> str:
    return "滞后" if r < MODERATE else "基本符合预期（需加力）" if r < ON_TRACK else "符合预期" if r < AHEAD else "快于预期"


def chained_average(rates_pct) -> float:
    prod = 1.0
    for g in rates_pct:
        prod *= 1 + g / 100
    return prod ** (1 / len(rates_pct)) - 1


# ------------------------------------------------------------------------------ hand computations, 2028
# level 合成产出总量: baseline 2025 100, target 2030 150, 2028 value 120 (the 市区 value 118 is another
# territory and must not be used)
LEVEL_P = (120 - 100) / (150 - 100)            # 0.4
LEVEL_TAU = (2028 - 2025) / (2030 - 2025)       # 0.6
LEVEL_R = LEVEL_P / LEVEL_TAU                   # 0.667
# growth 合成收入增长率: 6.5, 5.5, 6.0 % against 6 % a year; r = ln(1+ḡ)/ln(1.06)
GROWTH_R = math.log(1 + chained_average([6.5, 5.5, 6.0])) / math.log(1.06)
# cumulative 合成新增就业岗位: 90 + 105 + 105 of 500 in 3 of 5 years
CUM_R = ((90 + 105 + 105) / 500) / (3 / 5)
# cumulative reduction 合成能耗强度降低 (约束性): 3, 3, 2 % a year against 13.5 % in five years
CUMRED_R = (math.log(0.97 * 0.97 * 0.98) / math.log(1 - 0.135)) / (3 / 5)
# relational 合成居民收入增长率 against 合成经济增长率, 2026-2028: gap of the chained averages, in points
REL_GAP = (chained_average([5.5, 5.0, 5.2]) - chained_average([5.0, 5.5, 5.0])) * 100
# an estimated baseline 合成研发投入总量: printed 60（预计）for 2025, the 2025 actual 50 published; target 100 in
# 2030; progress is measured from the actual (from the estimate it would be (80 − 60)/40 / 0.6 = 0.83)
EST_R = ((80 - 50) / (100 - 50)) / ((2028 - 2025) / (2030 - 2025))     # 1.0
# a target in the 年均/累计 column 合成技术投入增长 (＞7): 7.5, 7.2, 6.9 % against 7 % a year
COLUMN_R = math.log(1 + chained_average([7.5, 7.2, 6.9])) / math.log(1.07)

EXPECTED_2028 = {
    "合成产出总量": pace_class(LEVEL_R),               # r = 0.667 → 基本符合预期（需加力）
    "合成收入增长率": pace_class(GROWTH_R),            # r ≈ 1.000 → 符合预期
    "合成投资增长率": "基本符合预期（需加力）",          # years together: (1.06·1.05·1.062)^⅓ − 1 = 5.73 % vs 6: short 0.27 ≤ 0.5
    "合成居民收入增长率": "符合预期",                    # gap +0.07 pp ≥ −0.5 pp
    "合成新增就业岗位": pace_class(CUM_R),              # r = 1.0 → 符合预期
    "合成市民服务中心": "符合预期",                      # qualitative: 2028 recorded 完成, quoted
    "合成公共服务满意度": "提前实现",                    # goal: 2027 81 ≥ 80, before the target year
    "合成污染指数": "符合预期",                          # ceiling: 3.1, 3.2, 3.3 < 3.5 every year
    "合成绿地率": "滞后",                                # floor: 2027 39.5 < 40 cannot be undone (2028 40.5 ≥ 40)
    "合成能耗强度降低": pace_class(CUMRED_R),            # r = 0.932 → 需加力 (约束性: the duty stated, same band)
    "合成排放总量减少": "符合预期",                      # 按上级下达: 2027 recorded 完成
    "合成研发投入总量": pace_class(EST_R),               # r = 1.0 → 符合预期 (from the estimate: 需加力)
    "合成技术投入增长": pace_class(COLUMN_R),            # r ≈ 1.03 → 符合预期
}
EXPECTED_2027 = {
    "合成产出总量": pace_class(((110 - 100) / 50) / (2 / 5)),                                   # r = 0.5 → 滞后
    "合成收入增长率": pace_class(math.log(1 + chained_average([6.5, 5.5])) / math.log(1.06)),   # 符合预期
    "合成投资增长率": "滞后",                            # (1.06·1.05)^½ − 1 = 5.50 % vs 6 (printed "6": no tolerance): short 0.501 > 0.5
    "合成居民收入增长率": "符合预期",                    # 5.25 % against 5.25 %
    "合成新增就业岗位": pace_class(((90 + 105) / 500) / (2 / 5)),                             # r = 0.975
    "合成市民服务中心": "暂无法评估",                    # no quoted verdict up to 2027
    "合成公共服务满意度": "提前实现",
    "合成污染指数": "符合预期",
    "合成绿地率": "滞后",                                # the latest year (2027) is below the floor
    "合成能耗强度降低": pace_class((math.log(0.97 * 0.97) / math.log(0.865)) / (2 / 5)),        # r = 1.05
    "合成排放总量减少": "符合预期",
    "合成研发投入总量": pace_class(((66 - 50) / 50) / (2 / 5)),  # r = 0.8 (from the estimate 0.375: 滞后)
    "合成技术投入增长": pace_class(math.log(1 + chained_average([7.5, 7.2])) / math.log(1.07)),
}
EXPECTED_2030 = {  # final: 完成 or 未完成, judged on the target year's data
    "合成产出总量": "完成",                              # 2030: 151 ≥ 150
    "合成收入增长率": "完成" if chained_average([6.5, 5.5, 6.0, 6.2, 6.1]) >= 0.06 else "未完成",
    "合成投资增长率": "未完成",                          # five years together 5.84 % < 6 %: not made up
    "合成居民收入增长率": "完成" if (chained_average([5.5, 5.0, 5.2, 3.5, 3.5])
                                      - chained_average([5.0, 5.5, 5.0, 5.5, 5.5])) * 100 >= -0.5 else "未完成",
    "合成新增就业岗位": "完成" if 90 + 105 + 105 + 100 + 90 >= 500 else "未完成",
    "合成市民服务中心": "完成",                          # 2030 recorded 完成
    "合成公共服务满意度": "完成",
    "合成污染指数": "完成",                              # below 3.5 in every year 2026-2030
    "合成绿地率": "未完成",                              # 2027 below the floor
    "合成能耗强度降低": "完成" if 1 - 0.97 * 0.97 * 0.98 * 0.965 * 0.965 >= 0.135 else "未完成",
    "合成排放总量减少": "完成",                          # 2030 recorded 完成
    "合成研发投入总量": "完成",                          # 2030: 101 ≥ 100
    "合成技术投入增长": "完成" if chained_average([7.5, 7.2, 6.9, 7.0, 7.1]) > 0.07 else "未完成",
}


def test_hand_computations_are_what_the_fixture_says():
    """The numbers above, restated: a guard against editing the fixture without the expectations."""
    assert (LEVEL_P, LEVEL_TAU) == (0.4, 0.6) and round(LEVEL_R, 3) == 0.667
    assert round(CUM_R, 9) == 1.0 and round(CUMRED_R, 3) == 0.932 and round(REL_GAP, 2) == 0.07
    assert EXPECTED_2030["合成收入增长率"] == "完成" and EXPECTED_2030["合成居民收入增长率"] == "未完成"
    assert EXPECTED_2030["合成新增就业岗位"] == "未完成" and EXPECTED_2030["合成能耗强度降低"] == "完成"
    assert round(EST_R, 9) == 1.0 and round(COLUMN_R, 2) == 1.03
    assert EXPECTED_2028["合成研发投入总量"] == "符合预期" and EXPECTED_2027["合成研发投入总量"] == "基本符合预期（需加力）"
    assert EXPECTED_2030["合成技术投入增长"] == "完成"


def test_fixture_is_marked_synthetic():
    folder = SYNTHETIC_PLAN
    for name in ("indicators", "observations", "sources", "series"):
        with open(folder / f"{name}.csv", encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))[1:]
        assert rows and all("SYNTHETIC" in ",".join(row) for row in rows), name
    assert "SYNTHETIC" in (folder / "plan.yml").read_text(encoding="utf-8")


def test_site_has_one_page_per_chapter(synthetic_book):
    toc = yaml.safe_load((synthetic_book / "_toc.yml").read_text(encoding="utf-8"))
    chapters = next(p for p in toc["parts"] if p["caption"] == "分领域评估")["chapters"]
    assert [c["file"] for c in chapters] == ["book/prosperity", "book/wellbeing", "book/environment"]
    for chapter in PLAN.chapters:
        page = (synthetic_book / "_build" / "html" / "book" / f"{chapter.id}.html").read_text(encoding="utf-8")
        assert chapter.title in page
    built = {p.stem for p in (synthetic_book / "book").glob("*.ipynb")}
    # no previous plan: no retrospective; no import yet: no changelog; no published evaluation: no 方法检验;
    # no responsibility.csv: no 编制工作记录
    assert built == {"index", "findings", "prosperity", "wellbeing", "environment", "methodology", "data_sources"}
    index = (synthetic_book / "_build" / "html" / "book" / "index.html").read_text(encoding="utf-8")
    assert f"{REPORT_TITLE}中期评估报告" in index


def test_every_status_on_the_site_is_the_hand_computed_one(synthetic_book):
    assert {k: v["评估结论"] for k, v in site_statuses(synthetic_book).items()} == EXPECTED_2028


def test_an_estimated_baseline_stays_as_printed_beside_the_actual(synthetic_book):
    """issue 22 #2: the plan's 60（预计）stays; the 2025 actual 50 stands beside it and progress runs from it."""
    row = site_statuses(synthetic_book)["合成研发投入总量"]
    assert row["基期值"] == "60（2025年，预计）；实际50"
    assert (row["完成进度"], row["时间进度"]) == ("60%", "60%")          # (80 − 50)/(100 − 50), 3 of 5 years
    page = (synthetic_book / "_build" / "html" / "book" / "prosperity.html").read_text(encoding="utf-8")
    assert "规划所列2025年基期值60亿元为预计数；进度按公布的2025年实际数50亿元计算" in page


def test_a_target_in_the_yearly_column_is_shown_as_printed(synthetic_book):
    """issue 22 #3: ＞7 in the 年均/累计 column (the 2030 cell is —) reads 年均增长7%以上, not —."""
    assert site_statuses(synthetic_book)["合成技术投入增长"]["规划目标"] == "年均增长7%以上"


def test_level_target_shows_hand_computed_progress(synthetic_book):
    row = site_statuses(synthetic_book)["合成产出总量"]
    assert (row["完成进度"], row["时间进度"]) == ("40%", "60%")      # 进度比 0.67 = 40 % / 60 % (downloads)
    assert row["最新值（年份）"] == "120亿元（2028年）"   # the plan's scope (全市), not the 市区 value 118


def test_synthetic_build_stays_out_of_the_committed_book(synthetic_book):
    assert not (paths.BOOK / "prosperity.ipynb").exists()
    assert "prosperity" not in paths.TOC.read_text(encoding="utf-8")
    meta = json.loads((synthetic_book / "book" / "prosperity.ipynb").read_text(encoding="utf-8"))["metadata"]
    assert meta["planeval"]["parameters"]["data_dir"] == str(SYNTHETIC_PLAN)


@pytest.mark.parametrize("year,kind,expected", [(2027, "年度监测报告", EXPECTED_2027),
                                                (2030, "总结评估报告", EXPECTED_2030)])
def test_editions_title_and_wording(tmp_path, year, kind, expected):
    root = tmp_path / str(year)
    proc = run_build("--plan", SYNTHETIC_PLAN, "--eval-year", year, "--out", root, "--no-html")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    title = f"{REPORT_TITLE}{kind}"
    index = nbformat.read(root / "book" / "index.ipynb", as_version=4)
    assert index.cells[0].source == f"# {title}"
    assert yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))["title"] == title
    found = notebook_statuses(root / "book")
    assert {k: v["评估结论"] for k, v in found.items()} == expected
    if year == 2030:
        shown = "".join(notebook_text(root / "book" / f"{p}.ipynb") for p in ("index", "findings", *PLAN.chapter_ids))
        assert "提前" not in shown and "快于预期" not in shown
        assert {v["评估结论"] for v in found.values()} == {"完成", "未完成"}


def test_markup_in_data_is_shown_as_typed_and_the_strict_build_passes(synthetic_book):
    """Issue 17 #6: a name with Markdown and a role, a note with a fenced block, a rule, a heading and a script
    are data, not markup: the strict build succeeds (the fixture built it) and the pages show them as typed."""
    html = "".join((synthetic_book / "_build" / "html" / "book" / f"{p}.html").read_text(encoding="utf-8")
                   for p in ("prosperity", "data_sources"))
    assert "合成**背景**序列 `代码` {glue:text}`x`" in html.replace("&#96;", "`")
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html
    assert "print(1)" in html and "<pre" not in html.split("SYNTHETIC 注释")[1][:400]
