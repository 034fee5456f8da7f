"""Altair charts that draw in the static site with no network.

Altair's own HTML output fetches vega from a CDN. We register an ``offline`` renderer instead: it emits
a div plus a small script calling ``window.vegaEmbed``, which ``book/_static/vega-bundle.js`` provides
(vl-convert's bundle of the exact Vega-Lite version altair targets). The div id is a hash of the spec,
so re-executing a notebook gives byte-identical output (nbval and git stay quiet).
"""
from __future__ import annotations

import functools
import hashlib

import altair as alt
import pandas as pd
from altair.utils.schemapi import debug_mode

from .chartdata import SERIES_ACTUAL, SERIES_CONTEXT, SERIES_PLAN, SERIES_PROJECTION
from .fmt import esc, script_json, value_with_unit
from .vegabundle import BUNDLE_NAME, write_vega_bundle  # noqa: F401 (the bundle the charts draw with)


_EMBED = """<div id="{div}" class="vega-chart" role="img" aria-label="{label}"></div>
<script type="text/javascript">
(function () {{
  var spec = {spec};
  var el = document.getElementById("{div}");
  function follow() {{
    // Vega re-reads the container's width on a window resize; the column can also change width without one
    // (the page's layout settling, a sidebar opening), so a change of the container's width is passed on.
    if (!window.ResizeObserver) return;
    var last = el.clientWidth;
    new ResizeObserver(function () {{
      if (el.clientWidth !== last) {{ last = el.clientWidth; window.dispatchEvent(new Event("resize")); }}
    }}).observe(el);
  }}
  function draw() {{
    if (!window.vegaEmbed) {{ setTimeout(draw, 30); return; }}
    window.vegaEmbed(el, spec, {{"actions": false, "renderer": "svg"}}).then(follow);
  }}
  // drawn once the page is laid out, so the chart takes the column's final width
  if (document.readyState === "loading") {{ document.addEventListener("DOMContentLoaded", draw); }} else {{ draw(); }}
}})();
</script>"""


def chart_label(spec: dict) -> str:
    """What a screen reader announces for a chart: its description, else its title and subtitle."""
    if spec.get("description"):
        return str(spec["description"])
    title = spec.get("title")
    parts = [title.get("text"), title.get("subtitle")] if isinstance(title, dict) else [title]
    return "：".join("".join(p) if isinstance(p, list) else str(p) for p in parts if p) or "图表"


def _offline_renderer(spec: dict, **metadata) -> dict:
    # The spec carries data text (names, notes, source titles): it is embedded as script-safe JSON and the
    # label as an escaped attribute, so no data can end the <script> block or the attribute. Vega writes the
    # spec's description into the chart's aria-label (replacing the div's), so the description is set too.
    spec = {**spec, "description": chart_label(spec)}
    text = script_json(spec)
    div = "vega-" + hashlib.sha256(text.encode()).hexdigest()[:16]
    return {"text/html": _EMBED.format(div=div, spec=text, label=esc(spec["description"]))}


def enable_offline() -> None:
    """Call at the top of every notebook (in code, not via environment, so papermill and nbval agree)."""
    alt.renderers.register("offline", _offline_renderer)
    alt.renderers.enable("offline")
    alt.data_transformers.disable_max_rows()


def mimebundle(chart) -> dict:
    """What displaying ``chart`` in a notebook shows (the offline renderer's HTML and the plain-text repr IPython
    adds), without altair re-validating the finished spec against the Vega-Lite schema: that check is two thirds
    of a chart's cost in a page, and it checks our chart code, not the data, which tests/test_charts.py validates
    for every kind of chart. tests/test_build_speed.py checks the bundle equals IPython's display of the chart."""
    from IPython.lib.pretty import pretty

    spec = chart.to_dict(validate=False, context={"pre_transform": False})  # as altair's _repr_mimebundle_
    return {**_offline_renderer(spec), "text/plain": pretty(chart)}


def vega_lite_version() -> str:
    return alt.SCHEMA_VERSION.lstrip("v")


SERIES_COLOURS = {SERIES_ACTUAL: "#1f5fa8", SERIES_CONTEXT: "#9ecae1", SERIES_PLAN: "#8c8c8c", SERIES_PROJECTION: "#e07b00"}
OTHER_TERRITORY_COLOURS = ("#6a3d9a", "#c2a5cf")  # values in another territory: in the period, before it
NEW_BASIS_COLOUR = "#00897b"  # values on the new basis after a registered break (口径变化后)
TARGET_COLOUR = "#c0392b"
PACE_TITLE = "完成进度与时间进度"
PACE_SUBTITLE = "条形为完成进度，黑色刻度为时间进度"
INDICATOR_SUBTITLE = "实际值与规划路径"
NO_DATA_SUBTITLE = "规划期内（{span}）尚无数据：仅起点与规划路径"
MARKER_COLOUR = "#54278f"  # the scope label beside a value of another territory (dark enough to read)
# Every chart is as wide as the column it sits in (book/_static/report.css sizes the container), on a phone,
# a desktop and paper alike; its legend wraps into as many columns as that width holds.
CONTAINER = "container"
FIT_X = alt.AutoSizeParams(type="fit-x", contains="padding")
TITLE_CHARS = 18  # a phone column holds about this many characters of a 13 px title


def wrap_title(text: str, limit: int = TITLE_CHARS) -> list[str] | str:
    """A long chart title as lines of at most ``limit`` characters, broken after punctuation where possible
    (Vega does not wrap titles; an unbroken title is cut off on a phone)."""
    text = str(text)
    if len(text) <= limit:
        return text
    lines, rest = [], text
    while len(rest) > limit:
        cut = max((i + 1 if ch in "：:，、” " else i for i, ch in enumerate(rest[:limit + 1])
                   if ch in "：:，、” （(" and 0 < i < limit), default=limit)
        cut = cut if cut >= limit // 2 else limit
        lines.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    return lines + ([rest] if rest else [])


def is_observed(series: str) -> bool:
    """Series of observed values (this territory or another, in the period or before it): chartdata names
    them all ``实际值…``."""
    return str(series).startswith(SERIES_ACTUAL)


def series_order(names) -> list[str]:
    """Legend order: observed values first (the plan's territory, then others), then plan path and projection."""
    names = list(dict.fromkeys(names))
    rank = {SERIES_ACTUAL: 0, SERIES_CONTEXT: 1, SERIES_PLAN: 8, SERIES_PROJECTION: 9}
    return sorted(names, key=lambda n: (rank.get(n, 5 if is_observed(n) else 7), names.index(n)))


def series_colour(name: str, other_scope: bool = True) -> str:
    """A series' colour: the fixed ones; another territory's values purple (pale before the period, as chartdata
    names them 实际值（区本级，规划期前）); the values on a new basis after a break (same territory) teal, so that
    a reader never takes the new basis for another territory."""
    if name in SERIES_COLOURS:
        return SERIES_COLOURS[name]
    if not other_scope:
        return NEW_BASIS_COLOUR
    return OTHER_TERRITORY_COLOURS[1 if name.endswith("规划期前）") else 0]


# The texts of a chart (axis labels and titles, subtitle, the target's and other scopes' labels): at least 12 px,
# readable on a phone (Vega's default is 10 px); the legend 11 px, so that its entries fit the columns
# legend_columns gives them.
AXIS_FONT = 12
LEGEND_FONT = 11
AXIS_TEXT = {"labelFontSize": AXIS_FONT, "titleFontSize": AXIS_FONT}


def legend_columns(names=()) -> dict:
    """As many legend columns as the container holds entries of the longest name: a column is 170 px, or wider
    for a long name (a series named after a sixteen-character basis ran off a phone's chart in two 170 px columns)."""
    longest = max((sum(LEGEND_FONT if ord(c) > 0x2E80 else 0.6 * LEGEND_FONT for c in str(n)) for n in names), default=0)
    width = max(170, int(longest) + 34)   # the symbol, its gap and the space between columns
    return {"expr": f"max(1, floor(containerSize()[0] / {width}))"}


def _legend(title=None, names=()) -> alt.Legend:
    return alt.Legend(orient="bottom", direction="horizontal", title=title, columns=legend_columns(names), labelLimit=0,
                      symbolType="circle", labelFontSize=LEGEND_FONT)


def _title(text, subtitle=None) -> alt.TitleParams:
    extra = {"subtitle": subtitle, "subtitleColor": "#555", "subtitleFontSize": AXIS_FONT} if subtitle else {}
    return alt.TitleParams(text=wrap_title(text), anchor="start", fontSize=13, offset=8, **extra)


# The y axis never spans less than this share of the values' size (a 1.65 → 1.66 gap must not fill the chart),
# nor less than this many points for a percentage; it never dips below zero for values that cannot.
MIN_SPAN_SHARE = 0.2
MIN_SPAN_PCT = 10.0


def y_domain(values: list[float], unit: str) -> list[float] | None:
    """The y axis's range: the values and the target, widened around their middle to a sensible minimum span."""
    if not values:
        return None
    lo, hi = min(values), max(values)
    span = max(MIN_SPAN_SHARE * max(abs(lo), abs(hi)), MIN_SPAN_PCT if unit in ("%", "％") else 0.0)
    if hi - lo < span:
        mid = (hi + lo) / 2
        lo, hi = mid - span / 2, mid + span / 2
    else:           # a little air above and below the extremes
        pad = 0.06 * (hi - lo)
        lo, hi = lo - pad, hi + pad
    if lo < 0 <= min(values):
        lo, hi = 0.0, hi - lo
    if unit in ("%", "％") and hi > 100 >= max(values) and min(values) >= 0:
        lo, hi = max(0.0, lo - (hi - 100)), 100.0
    return [round(lo, 6), round(hi, 6)]


def _without_debug_checks(make):
    """Build a chart without altair's debug mode, which converts and validates every object of the chart as it is
    made (for tracebacks that point at the line in a notebook): half the cost of a chart, and the same chart.
    tests/test_charts.py validates the finished specs of each kind of chart."""
    @functools.wraps(make)
    def build(*args, **kwargs):
        with debug_mode(False):
            return make(*args, **kwargs)

    return build


@_without_debug_checks
def indicator_chart(frame, title: str, unit: str, target_value=None, target_year=None, width=CONTAINER,
                    height: int = 220, subtitle: str | None = INDICATOR_SUBTITLE, href: str | None = None):
    """Actual values against the planned path; the target marked; the projection dashed.

    The year axis is quantitative (three years are drawn three times as long as one); a line joins consecutive
    years only (``segment`` from chartdata), so a missing year shows as a gap; every observed value is drawn as a
    point on top of the path and the projection, so a one-point series stays visible; a value of another
    territory is a triangle labelled with its scope. ``href``: where a click on a value leads (the target's card)."""
    unit = "" if unit is None or (isinstance(unit, float) and pd.isna(unit)) else str(unit)
    y_title = f"数值（{unit}）" if unit else "数值"
    domain = series_order(frame["series"])
    years = [int(y) for y in frame["year"]] + ([int(target_year)] if target_year is not None else [])
    first, last = (min(years), max(years)) if years else (0, 1)
    other_scope = set(frame.loc[frame["marker"].fillna("") != "", "series"]) if "marker" in frame else set()
    colour = alt.Color("series:N", title=None, scale=alt.Scale(domain=domain, range=[series_colour(s, s in other_scope)
                                                                                    for s in domain]),
                       legend=_legend(names=domain))
    x = alt.X("year:Q", title="年份", scale=alt.Scale(domain=[first, last], nice=False, zero=False, padding=16),
              axis=alt.Axis(format="d", values=list(range(first, last + 1)), labelAngle=0, grid=False,
                            labelOverlap="greedy", labelFlush=False, **AXIS_TEXT))
    values = [float(v) for v in frame["value"].dropna()] + ([float(target_value)] if target_value is not None else [])
    y = alt.Y("value:Q", title=y_title, scale=alt.Scale(domain=y_domain(values, unit), nice=True, zero=False),
              axis=alt.Axis(tickCount=5, **AXIS_TEXT))
    tooltip = [alt.Tooltip("series:N", title="序列"), alt.Tooltip("year:Q", title="年份", format="d"),
               alt.Tooltip("value:Q", title=f"数值（{unit}）" if unit else "数值", format=",.4~f"),
               alt.Tooltip("source:N", title="来源"), alt.Tooltip("scope:N", title="口径"),
               alt.Tooltip("note:N", title="说明")]
    def part(rows):
        return alt.Chart(rows).encode(x=x, y=y, color=colour, tooltip=tooltip)

    plan = frame[frame["series"] == SERIES_PLAN]
    projection = frame[frame["series"] == SERIES_PROJECTION]
    observed = frame[frame["series"].map(is_observed)]
    other = observed[observed["marker"] != ""]
    layers = []
    if len(plan):
        layers += [part(plan).mark_line(strokeDash=[6, 4], strokeWidth=1.5).encode(detail=alt.Detail("segment:N"))
                   .properties(name="plan_path"),
                   part(plan).mark_point(size=18, filled=True, opacity=0.7).properties(name="plan_points")]
    if len(projection):
        layers += [part(projection).mark_line(strokeDash=[4, 3], strokeWidth=1.5).encode(detail=alt.Detail("segment:N"))
                   .properties(name="projection_line"),
                   part(projection).mark_point(size=40, filled=False, strokeWidth=1.5).properties(name="projection_points")]
    if target_value is not None and target_year is not None:
        shown = value_with_unit(target_value, unit)
        target = pd.DataFrame({"year": [int(target_year)], "value": [float(target_value)], "label": [f"目标 {shown}"]})
        t = alt.Chart(target).encode(x=x, y=y, tooltip=[alt.Tooltip("label:N", title="规划目标"),
                                                         alt.Tooltip("year:Q", title="年份", format="d")])
        layers += [t.mark_point(shape="diamond", size=140, filled=True, color=TARGET_COLOUR, opacity=1)
                   .properties(name="target_point"),
                   t.mark_text(dy=-13, dx=-4, align="right", color=TARGET_COLOUR, fontSize=AXIS_FONT).encode(text=alt.Text("label:N"))
                   .properties(name="target_label")]
    # observed values last: drawn on top of the path, the projection and the target
    layers += [part(observed).mark_line(strokeWidth=2.2).encode(detail=alt.Detail("segment:N")).properties(name="observed_line"),
               part(observed).mark_point(filled=True, size=70, opacity=1, stroke="white", strokeWidth=1,
                                         **({"cursor": "pointer"} if href else {}))
               .encode(shape=alt.ShapeValue(condition={"test": "datum.marker !== ''", "value": "triangle-up"}, value="circle"),
                       **({"href": alt.HrefValue(href)} if href else {}))
               .properties(name="observed_points")]
    if len(other):
        layers.append(part(other).mark_text(dy=-12, fontSize=AXIS_FONT, fontWeight="bold", color=MARKER_COLOUR)
                      .encode(text=alt.Text("marker:N"), color=alt.ColorValue(MARKER_COLOUR)).properties(name="territory_label"))
    return alt.layer(*layers).properties(title=_title(title, subtitle), width=width, height=height, autosize=FIT_X)


@_without_debug_checks
def pace_chart(frame, width=CONTAINER):
    """Completion share against time share, one bar per indicator, sorted by pace (ahead first). Each name is
    written above its bar, so the bars keep the full width of a phone column."""
    step = 46
    sort = alt.EncodingSortField(field="pace", op="max", order="descending")  # valid in every layer (Vega keeps it)
    top = max(1.0, float(frame[["progress", "time"]].max().max())) if len(frame) else 1.0
    y = alt.Y("name:N", title=None, sort=sort, axis=None, scale=alt.Scale(paddingInner=0, paddingOuter=0))
    x_scale = alt.Scale(domain=[0, top], nice=False)
    base = alt.Chart(frame).encode(
        y=y,
        tooltip=[alt.Tooltip("name:N", title="指标"), alt.Tooltip("status_zh:N", title="状态"),
                 alt.Tooltip("progress:Q", title="完成进度", format=".0%"),
                 alt.Tooltip("time:Q", title="时间进度", format=".0%"),
                 alt.Tooltip("pace:Q", title="进度比", format=".2f")],
    )
    bars = base.mark_bar(height=18, yOffset=8).properties(name="pace_bars").encode(
        x=alt.X("shown:Q", title="完成进度（目标完成的比例）", scale=x_scale, axis=alt.Axis(format="%", tickCount=5, **AXIS_TEXT)),
        color=alt.Color("status_zh:N", title=None, legend=_legend(names=frame["status_zh"].unique() if len(frame) else ()),
                        scale=alt.Scale(domain=list(frame["status_zh"].drop_duplicates()),
                                        range=list(frame.drop_duplicates("status_zh")["colour"]))))
    ticks = base.mark_tick(color="black", thickness=2, size=26, yOffset=8).properties(name="pace_time").encode(
        x=alt.X("time:Q", scale=x_scale))
    names = base.mark_text(align="left", baseline="bottom", dy=-2, fontSize=12).properties(name="pace_names").encode(
        x=alt.XDatum(0, scale=x_scale), y=alt.Y("name:N", sort=sort, axis=None, bandPosition=0.5), text=alt.Text("name:N"))
    return alt.layer(bars, ticks, names).properties(title=_title(PACE_TITLE, PACE_SUBTITLE), width=width,
                                                     height=step * max(1, len(frame)), autosize=FIT_X)


# ------------------------------------------------------------------------------------------ from a report
def chapter_charts(rep, chapter: str) -> list:
    """One chart per target of the chapter that has a value inside its window (main table first). A chapter with
    no such value at all (a plan's first year) draws instead every target's start and planned path, with the
    values before the window as context, each subtitled with what is missing."""
    from .chartdata import chart_frame, has_values_from
    from .tables import card_href

    frame = rep.in_chapter(rep.current, chapter)
    frame = frame.assign(_o=frame["table"].map({"main": 0, "goal": 1, "text": 2})).sort_values("_o", kind="stable")
    drawn, undrawn = [], []
    for _, r in frame.iterrows():
        if r["target_form"] not in ("level", "city_assigned", "ceiling", "floor", "cumulative"):
            continue
        reg = rep.reg(r["id"])
        first = rep.audit(r).get("first_scored_year", rep.plan.period.start)
        target = reg["target_value"] if not pd.isna(reg["target_value"]) else None
        args = dict(title=str(reg["name_zh"]), unit=reg["unit"], target_value=target, target_year=reg["target_year"],
                    href=card_href(r["id"]))

        def data(r=r, reg=reg, first=first):
            return chart_frame(r, rep.observations_of(r["id"]), rep.ds.sources, reg, rep.plan.compatible_scopes, first)

        # a chart frame costs milliseconds and many targets have no value to draw: only a target with a value
        # inside its window is drawn, and only those need their frame now
        frame_ = data() if has_values_from(rep.observations_of(r["id"]), first) else None
        if frame_ is not None and (frame_["series"].str.startswith(SERIES_ACTUAL) & (frame_["year"] >= first)).any():
            drawn.append(indicator_chart(frame_, **args))
        else:
            undrawn.append((data, args, first))
    if drawn:
        return drawn
    paths = []
    for data, args, first in undrawn:  # nothing to draw in the chapter: every target's start and planned path
        frame_ = data()
        if (frame_["series"] == SERIES_PLAN).any():
            span = f"{first}年" if first >= rep.eval_year else f"{first}—{rep.eval_year}年"
            paths.append(indicator_chart(frame_, subtitle=NO_DATA_SUBTITLE.format(span=span), **args))
    return paths


def pace_frame(rep) -> pd.DataFrame:
    from ..engine.rules import status_colour

    frame = rep.main[rep.main["progress_share"].notna() & rep.main["time_share"].notna()]
    progress = frame["progress_share"].astype(float).values
    return pd.DataFrame({"name": [rep.name(i) for i in frame["id"]],
                         "progress": progress,
                         # a target moved away from has a negative share: its bar stays at 0 (the tooltip and the
                         # status say what happened), so the axis keeps the scale of everybody else
                         "shown": [max(0.0, p) for p in progress],
                         "time": frame["time_share"].astype(float).values,
                         "pace": frame["pace_ratio"].astype(float).values,
                         "status_zh": frame["status_zh"].values,
                         "colour": [status_colour(s) for s in frame["status"]]})


def pace_charts(rep) -> list:
    """The progress-against-time chart, when there is anything to draw (never in a final edition)."""
    frame = pace_frame(rep)
    return [] if rep.final or frame.empty else [pace_chart(frame)]
