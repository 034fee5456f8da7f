"""Controlled vocabularies: defined once here, used by the schema checks and shown in the methodology page.

Each vocabulary maps the code stored in data files to its Chinese label for the report.
"""

CHAPTERS = {
    "economy": "经济",
    "innovation": "创新",
    "livelihood": "民生",
    "ecology": "生态",
    "governance": "治理",
}

# How a target is judged. The engine has one rule per form.
TARGET_FORMS = {
    "level": "达到目标水平（越高越好或越低越好，按 direction）",
    "ceiling": "控制在上限以内，每年都须满足（如 ＜3.5%）",
    "floor": "保持在下限以上，每年都须满足（如 ＞98%）",
    "growth": "年均增长率达到规划值（按公布的逐年增速连乘）",
    "cumulative": "规划期累计总量（[ ] 内为累计数）",
    "city_assigned": "按市下达：以市下达的数值或考核结论为准，未下达则待定",
    "relational": "与另一序列同步（如居民收入增长与经济增长同步）",
    "qualitative": "定性目标：须有引用证据和书面理由",
}

ATTRIBUTES = {"预期性": "预期性（anticipatory）", "约束性": "约束性（binding）"}

DIRECTIONS = {"higher": "越高越好", "lower": "越低越好", "none": "无方向（定性或按市下达）"}

PATH_TYPES = {
    "linear": "线性路径：每年增加相同的量（比率、百分比、指数）",
    "geometric": "几何路径：每年按相同比例增长（总量、人均量）",
}

# Territorial scope of a figure. 全区 = 全大区 = 区本级（含东钱湖）+ 高新区.
SCOPES = {
    "全区": "全区（全大区，含高新区、东钱湖）",
    "区本级": "区本级（不含高新区）",
    "未注明": "来源未注明口径",
}

SOURCE_KINDS = {"official": "官方发布", "secondary": "转引（非官方网站转载）", "plan": "规划文本"}

# A recorded verdict instead of (or beside) a number, e.g. "完成上级下达任务".
VERDICTS = {"met": "完成", "not_met": "未完成"}

# What an observation's value measures.
VALUE_KINDS = {
    "level": "当年数值（指标本身的单位）",
    "period_average_growth": "period_start_year 至 year 的年均增长率（%）",
    "period_total": "period_start_year 至 year 的累计总量（指标本身的单位）",
}

PLANS = {"14th": "“十四五”规划（2021-2025）", "13th": "“十三五”规划（2016-2020）"}

VOCABULARIES = {
    "chapter": CHAPTERS,
    "target_form": TARGET_FORMS,
    "attribute": ATTRIBUTES,
    "direction": DIRECTIONS,
    "path_type": PATH_TYPES,
    "scope": SCOPES,
    "source_kind": SOURCE_KINDS,
    "verdict": VERDICTS,
    "value_kind": VALUE_KINDS,
    "plan": PLANS,
}
