"""Check every row of a returned file against the plan: which target, a number in the target's unit, a
possible value for that unit (:mod:`.plausible`), a year of the plan period, a scope of the plan, a source
and the sentence the figure was read from. Every problem of every file is collected, none stops the check.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ..data.registry import is_estimate
from ..data.schema import DataError
from ..data.vocab import vocabulary
from ..labels import label
from .parse import (clean_text, fmt_number, hidden_character, is_empty, name_key, norm, parse_date, parse_months,
                    parse_number, parse_year, shown, unit_key)
from .plausible import impossible
from .read import Sheet
from .tables import PlanTables, num
from .urls import BadUrl, check_url

# 发布类型 as a department may write it: the code, its label, or the usual short words.
RELEASE_WORDS = {**{c: c for c in vocabulary("release")}, **{label("release", c): c for c in vocabulary("release")},
                 "初步": "preliminary", "初步数": "preliminary", "快报数": "quick", "公报": "bulletin",
                 "统计公报数": "bulletin", "最终核实": "final", "最终核实数": "final", "年鉴": "final",
                 "修订数": "revised", "普查修订数": "census_revised"}


_UNIT_WORDS = re.compile(r"元|人|件|个|米|吨|亩|户|次|万|亿|千|百|%|‰|公里|平方|立方|度|小时|年|月|倍|家|项")


@dataclass
class Row:
    """One filled-in row that passed every check."""
    file: str
    sheet: str | None
    row: int
    indicator_id: str
    name_zh: str
    unit: str
    year: int
    value: float
    value_raw: str
    value_text: str
    scope: str
    scope_text: str
    months: int
    title: str
    url: str
    publisher: str
    publication_date: str
    quote: str
    note: str
    baseline_match: bool = False
    source_id: str = ""
    release: str | None = None      # labels.yml `release` code (初步核算 …), when the row names one

    @property
    def where(self) -> str:
        return f"{self.file}" + (f", sheet '{self.sheet}'" if self.sheet else "") + f", row {self.row}"


@dataclass
class Checked:
    sheet: Sheet
    rows: list
    skipped_rows: list
    problems: list
    warnings: list


def _cell(cells, columns, name):
    idx = columns.get(name)
    if idx is None or idx >= len(cells):
        return None, None
    return cells[idx]


def check_sheet(sheet: Sheet, tables: PlanTables, today: dt.date | None = None) -> Checked:
    """Every row of ``sheet`` checked; rows with an empty 数值 are skipped (not an error). ``today`` bounds
    publication dates (default: the machine's date)."""
    today = today or dt.date.today()
    plan = tables.plan
    period = plan.period
    known = tables.known_indicators()
    previous_ids = set(tables.registry["id"]) - set(known)
    by_name = {}
    for iid, r in known.items():
        by_name.setdefault(name_key(r["name_zh"]), iid)
    scope_words = "; ".join(f"{s.code}" + (f" ({'、'.join(s.synonyms)})" if s.synonyms else "") for s in plan.scopes)
    problems: list[DataError] = list(sheet.problems)
    warnings = [f"{sheet.file}: column {c} is not a template column and was ignored" for c in sheet.ignored_columns]
    cols = sheet.columns
    parsed, skipped = [], []
    if hidden_character(sheet.department):
        problems.append(DataError(sheet.file, sheet="封面", column="填报单位", value=sheet.department,
                                  expected=f"a unit name without invisible control characters (found "
                                           f"{hidden_character(sheet.department)})"))

    def err(row, column, value, expected):
        problems.append(DataError(sheet.file, row=row, column=f"{column}{sheet.letter(column)}", value=value,
                                  expected=expected, sheet=sheet.sheet))

    for rownum, cells in sheet.rows:
        if all(is_empty(v) for v, _ in cells):
            continue
        raw_value, value_fmt = _cell(cells, cols, "数值")
        if is_empty(raw_value):
            skipped.append(rownum)
            continue
        n_before = len(problems)
        get = {name: _cell(cells, cols, name)[0] for name in cols}
        get.update({name: None for name in ("指标编号", "指标名称", "单位", "年份", "口径", "覆盖月数", "来源标题",
                                            "来源网址", "发布日期", "数值原文/原句", "备注", "发布单位", "发布类型")
                    if name not in cols})

        # which target
        iid, name_text = norm(shown(get["指标编号"])), norm(shown(get["指标名称"]))
        reg = None
        if iid:
            if iid in known:
                reg = known[iid]
                if name_text and name_key(name_text) != name_key(reg["name_zh"]):
                    err(rownum, "指标名称", name_text,
                        f"'{reg['name_zh']}', the name of {iid} in indicators.csv "
                        "(the id and the name disagree: check the row, or leave 指标名称 as in the template)")
            else:
                hint = f"; the name matches {by_name[name_key(name_text)]}" if name_key(name_text) in by_name else ""
                what = (f"a target of {plan.short_name} (this id is a row of the previous plan's table, "
                        "which is not collected)" if iid in previous_ids
                        else "an indicator id from the template (indicators.csv of this plan, or series.csv)")
                err(rownum, "指标编号", iid, what + hint)
        elif name_text:
            if name_key(name_text) in by_name:
                reg = known[by_name[name_key(name_text)]]
            else:
                err(rownum, "指标名称", name_text, f"an indicator name from the template (a target of {plan.short_name})")
        else:
            err(rownum, "指标编号", "", "an indicator id (or name) for a row that has a 数值")

        # the value, its unit, whether it is possible
        value, percent, suffix = None, False, ""
        shown_value = clean_text(shown(raw_value))
        try:
            value, percent, suffix = parse_number(raw_value, value_fmt)
        except ValueError:
            err(rownum, "数值", shown_value,
                "a number (e.g. 3200, 1,234.5, 5.8 or 5.8%); leave 数值 empty when there is no figure, and "
                "put the source's wording (e.g. ＜3.5, 约3200) in 数值原文/原句")
        if reg is not None and reg.get("target_form") == "qualitative":
            err(rownum, "数值", shown_value,
                f"an empty 数值: {reg['id']} {reg['name_zh']} is a qualitative target, judged on cited evidence "
                "in the registry, not on yearly values")
            reg = None
        if reg is not None:
            _check_unit(err, rownum, reg, norm(shown(get["单位"])), shown_value, value, percent, suffix)

        # the year
        year = None
        raw_year = get["年份"]
        if is_empty(raw_year):
            err(rownum, "年份", "", f"the year the value is for ({period.start}-{period.end})")
        else:
            try:
                year = parse_year(raw_year)
            except ValueError:
                err(rownum, "年份", shown(raw_year), f"a year such as {period.end}")
        baseline_match = False
        if year is not None:
            by = num(reg.get("baseline_year")) if reg is not None else None
            bv = num(reg.get("baseline_value")) if reg is not None else None
            estimate = is_estimate(reg) if reg is not None else False
            if by is not None and year == int(by) and bv is not None and estimate:
                pass  # the plan printed an estimate (预计): the baseline year's actual is data, kept beside it
            elif by is not None and year == int(by) and bv is not None:
                if value is not None and abs(value - float(bv)) > 1e-9 * max(1.0, abs(float(bv))):
                    err(rownum, "数值", shown_value,
                        f"{fmt_number(float(bv))}: {year} is the plan's baseline year for {reg['id']} and baselines come "
                        "from the plan (indicators.csv), not from yearly data; it cannot be revised here")
                else:
                    baseline_match = True
            elif not period.start <= year <= period.end:
                err(rownum, "年份", shown(raw_year), f"a year of the plan period {period.start}-{period.end}")

        # scope, months
        scope, scope_text = None, clean_text(shown(get["口径"]))
        if norm(scope_text):
            scope = plan.parse_scope(norm(scope_text))
        if scope is None:
            err(rownum, "口径", scope_text,
                f"one of the plan's scopes: {scope_words} (write the scope the source states; "
                f"{plan.plan_scope} = {plan.scope_label(plan.plan_scope)})")
        months = 12
        try:
            months = parse_months(get["覆盖月数"])
        except ValueError:
            err(rownum, "覆盖月数", shown(get["覆盖月数"]), "a number of months 1-12 (empty = 12, a full year)")

        # source and quote
        title, url = clean_text(shown(get["来源标题"])), norm(shown(get["来源网址"]))
        if not title:
            err(rownum, "来源标题", "", "the title of the source document (a value needs its source)")
        if not url and not sheet.department:
            err(rownum, "来源网址", "", "the source's web address, starting with http:// or https:// "
                                       "(a value needs its source; only a department's own return may leave it "
                                       "empty, its returned file being the source)")
        elif url and not re.fullmatch(r"https?://[^\s/]+\.[^\s]*", url):
            err(rownum, "来源网址", url, "a web address starting with http:// or https://")
        elif url:
            try:
                check_url(url)
            except BadUrl as why:
                err(rownum, "来源网址", url, f"the address as the browser shows it once the page is open; found {why}")
        publication_date = ""
        if not is_empty(get["发布日期"]):
            try:
                published = parse_date(get["发布日期"])
            except ValueError:
                err(rownum, "发布日期", shown(get["发布日期"]),
                    "a date written YYYY-MM-DD, YYYY/M/D or YYYY年M月D日 (or an empty cell)")
            else:
                publication_date = published.isoformat()
                if published > today:
                    err(rownum, "发布日期", publication_date,
                        f"a date not after today ({today.isoformat()}): a source cannot be published in the future "
                        "/ 发布日期不能晚于今天")
                elif year is not None and published.year < year:
                    err(rownum, "发布日期", publication_date,
                        f"a date in or after {year}, the year the value is for: a figure cannot be published before "
                        "its year / 发布日期不能早于数值所属年份")
        release = None
        release_text = norm(shown(get["发布类型"]))
        if release_text:
            release = RELEASE_WORDS.get(release_text)
            if release is None:
                err(rownum, "发布类型", release_text,
                    "one of " + "、".join(label("release", c) for c in vocabulary("release"))
                    + " (or an empty cell when the source does not say)")
        quote = clean_text(shown(get["数值原文/原句"]))
        if not quote:
            err(rownum, "数值原文/原句", "", "the sentence the value was read from, copied from the source")
        for column, text in (("数值", shown_value), ("口径", scope_text), ("来源标题", title), ("来源网址", url),
                             ("数值原文/原句", quote), ("备注", clean_text(shown(get["备注"]))),
                             ("发布单位", clean_text(shown(get["发布单位"]))),
                             ("指标名称", name_text)):
            hidden = hidden_character(text)
            if hidden:
                err(rownum, column, text, f"text without invisible control characters (found {hidden}, which "
                    "changes how the text is displayed, e.g. 123 shown as 321): delete it and retype the text")

        if len(problems) > n_before or reg is None:
            continue
        text_value = shown_value if isinstance(raw_value, str) else ""
        parsed.append(Row(
            file=sheet.file, sheet=sheet.sheet, row=rownum, indicator_id=reg["id"], name_zh=reg["name_zh"],
            unit=reg["unit"], year=year, value=value, value_raw=shown_value,
            value_text=text_value if text_value and text_value != fmt_number(value) else "",
            scope=scope, scope_text=scope_text if norm(scope_text) != scope else "", months=months, title=title,
            url=url, publisher=clean_text(shown(get["发布单位"])) or (sheet.department or ""), publication_date=publication_date, quote=quote,
            note=clean_text(shown(get["备注"])), baseline_match=baseline_match, release=release))

    seen = {}
    for r in parsed:  # one row per target, year and scope within a file
        key = (r.indicator_id, r.year, r.scope)
        if key in seen:
            err(r.row, "指标编号", r.indicator_id,
                f"one row per indicator, year and 口径: {r.indicator_id} {r.year} {r.scope} is already on row {seen[key]}")
        else:
            seen[key] = r.row
    return Checked(sheet=sheet, rows=parsed, skipped_rows=skipped, problems=problems, warnings=warnings)


def _check_unit(err, rownum, reg, unit_cell, shown_value, value, percent, suffix) -> None:
    reg_unit = reg["unit"]
    if unit_cell and unit_key(unit_cell) != unit_key(reg_unit):
        err(rownum, "单位", unit_cell,
            f"'{reg_unit}', the registry's unit for {reg['id']}: convert the value to {reg_unit} "
            "(e.g. 万元 → 亿元: ÷10000) and keep the template's 单位")
    if value is None:
        return
    if percent and unit_key(reg_unit) not in ("%", "‰"):
        err(rownum, "数值", shown_value, f"a value in {reg_unit} (the registry's unit for {reg['id']}), not a percentage")
        return
    if suffix and unit_key(suffix) != unit_key(reg_unit):
        if _UNIT_WORDS.search(suffix):
            err(rownum, "数值", shown_value, f"a value in {reg_unit} (the registry's unit for {reg['id']}), found "
                                            f"unit '{suffix}': convert it to {reg_unit}")
        else:
            err(rownum, "数值", shown_value, "a number (e.g. 3200, 1,234.5, 5.8 or 5.8%)")
        return
    why = impossible(value, reg_unit, reg["name_zh"], reg.get("target_form"))
    if why:
        err(rownum, "数值", shown_value, f"{why} ({reg['id']})")
