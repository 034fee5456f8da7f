"""Merge the checked rows of every returned file into the plan's tables, in memory.

- Two files giving different values for the same target, year and scope: an error naming both files and
  rows. The same value twice: kept once.
- A department's file with rows of targets assigned to another department (responsibility.csv): a warning
  naming the rows and their department; the values are imported (each carries its own source and quote).
- A value already recorded (same target, year, scope and value) is unchanged; another value for a
  recorded key is a revision (old → new, replaced where it stood); anything else is new.
- Another value for a key an earlier import took from a returned file is a conflict between two returns,
  named like one inside an import (which value would win would depend on which import ran first), unless
  the import says the file corrects the earlier one (``revise``).
- A new source is added only when a new or revised value cites it: an import of unchanged values adds none.
- The merged tables must still pass their schemas; a failure in a new row names the input file and row.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from ..data.observations import check_observations
from ..data.schema import DataError, check_frame, column_specs, display_path
from .parse import derive_source_id, fmt_number, name_key, ranges, source_kind_for
from .plausible import LEVEL_CHANGE_LIMIT, PP_CHANGE_LIMIT, suspicious
from .report import ImportReport, IntakeError
from .tables import CsvFile, PlanTables, last_known, num
from .validate import Checked, Row


_IMPORTED = re.compile(r"导入自 imported from (.+?)(?:（原文件名|$)")


@dataclass
class Merged:
    observations: bytes | None  # None: unchanged
    sources: bytes | None
    originals: dict  # path → the bytes the merge started from


def _tol(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def conflicts(checked: list[Checked]) -> tuple[list[DataError], set]:
    """Rows of different files that give the same target, year and scope: different values are errors
    naming both files and rows; a repeated equal value is dropped (its row ids are returned)."""
    first, problems, repeats = {}, [], set()
    for c in checked:
        for r in c.rows:
            key = (r.indicator_id, r.year, r.scope)
            if key not in first:
                first[key] = r
                continue
            a = first[key]
            if _tol(a.value, r.value):
                repeats.add((r.file, r.row))
            else:
                problems.append(DataError(
                    r.file, sheet=r.sheet, row=r.row, column="数值", value=r.value_raw,
                    expected=f"one value per target, year and 口径: {a.where} gives {r.indicator_id} {r.name_zh} "
                             f"{r.year} {r.scope} = {fmt_number(a.value)}, this file {fmt_number(r.value)}; the two "
                             "returned files disagree: settle which is right and correct or empty the other"))
    return problems, repeats


def department_warnings(checked: list[Checked], department_of: dict) -> list[str]:
    """A department's file (填报单位 on its cover sheet) with rows of another department's targets."""
    out = []
    known = set(department_of.values())
    for c in checked:
        dept = c.sheet.department
        if not dept:
            continue
        if known and dept not in known:
            out.append(f"{c.sheet.file}: 填报单位 '{dept}' is not a department of responsibility.csv "
                       f"({', '.join(sorted(known))}) / 填报单位不在分工表中")
        others = {}
        for r in c.rows:
            owner = department_of.get(r.indicator_id)
            if owner and owner != dept:
                others.setdefault(owner, []).append(r)
        for owner, rows in sorted(others.items()):
            ids = ", ".join(dict.fromkeys(r.indicator_id for r in rows))
            out.append(f"{c.sheet.file} (填报单位 {dept}): rows {ranges([r.row for r in rows])} ({ids}) are assigned to "
                       f"{owner} in responsibility.csv; imported as {dept}'s return, please check with {owner} / "
                       "非本单位指标，已导入，请与责任单位核对")
    return out


def merge(checked: list[Checked], tables: PlanTables, report: ImportReport, incoming: dict, now, *,
          level_limit: float = LEVEL_CHANGE_LIMIT, pp_limit: float = PP_CHANGE_LIMIT, revise: bool = False,
          originals: dict | None = None) -> Merged:
    """Classify every row (new / revised / unchanged), fill ``report``, and return the new bytes of
    observations.csv and sources.csv (None where nothing changes). ``incoming`` maps each file (as shown)
    to where its copy will be kept, ``originals`` to its original name when the copy's name differs."""
    plan = tables.plan
    observations, sources = tables.observations, tables.sources
    obs_file, src_file = CsvFile.read(tables.path("observations")), CsvFile.read(tables.path("sources"))
    known = tables.known_indicators()
    problems, repeats = conflicts(checked)
    if problems:
        raise IntakeError(problems)
    report.warnings += department_warnings(checked, tables.department_of)
    dept_of_file = {c.sheet.file: c.sheet.department for c in checked}

    by_url, by_title = {}, {}  # a source without URL (a department's return) is matched by its title
    for _, s in sources.iterrows():
        if num(s.get("url")):
            by_url.setdefault(str(s["url"]).strip().rstrip("/"), s)
        else:
            by_title.setdefault(name_key(s["title"]), s)

    clashes = []  # values that differ from one an earlier import took from another returned file
    line_to_pos = {line: i for i, line in enumerate(observations.index)}
    replace_at, to_remove, appended, pos_to_row = {}, set(), [], {}
    rows = [r for c in checked for r in c.rows]
    for r in rows:
        item = {"file": r.file, "row": r.row, "indicator_id": r.indicator_id, "name_zh": r.name_zh, "year": r.year,
                "scope": r.scope, "value": r.value, "value_str": fmt_number(r.value), "unit": r.unit,
                "incoming": incoming[r.file], "department": dept_of_file.get(r.file)}
        if (r.file, r.row) in repeats:
            report.unchanged.append({**item, "why": "the same value is in another returned file; kept once"})
            continue
        if r.baseline_match:
            report.unchanged.append({**item, "why": "equals the plan's baseline / 与规划基期值一致，不写入"})
            continue
        existing = by_url.get(r.url.rstrip("/")) if r.url else by_title.get(name_key(r.title))
        if existing is not None:
            r.source_id = existing["source_id"]
            if name_key(existing["title"]) != name_key(r.title):
                report.warnings.append(
                    f"{r.where}: the URL is already in sources.csv as {existing['source_id']} titled "
                    f"'{existing['title']}'; that source is used (the file says '{r.title}')")
        same = observations[(observations["indicator_id"] == r.indicator_id) & (observations["year"] == r.year)
                            & (observations["value_kind"] == "level") & (observations["scope"] == r.scope)]
        values = [(num(v), s) for v, s in zip(same["value"], same["source_id"])]
        match = [s for v, s in values if v is not None and _tol(float(v), r.value)]
        if match:
            why = "" if r.source_id in match else f"same value already recorded from source {match[0]}; kept"
            report.unchanged.append({**item, "source_id": match[0], "why": why})
            continue
        earlier = _imported_from(same["note"]) if len(same) else []
        if earlier and not revise:
            clashes.append(DataError(
                r.file, sheet=r.sheet, row=r.row, column="数值", value=r.value_raw,
                expected=f"the value imported earlier from another returned file: {earlier[0]} gave {r.indicator_id} "
                         f"{r.name_zh} {r.year} {r.scope} = {' / '.join(fmt_number(v) for v, _ in values if v is not None)}, "
                         f"this file {fmt_number(r.value)}; the two returns disagree: settle which is right, then "
                         "correct or empty this row, or, if this file corrects the earlier one, import it with "
                         "--revise (make import REVISE=1) / 与此前导入的回报数值不一致"))
            continue
        new_release = None
        if len(same) and not revise:
            # a published figure already recorded and another value for it: a later release, kept beside the
            # earlier one (never overwritten); the engine uses the latest publication
            new_release = r.release or "revised"
            recorded = {x for x in (same["release"] if "release" in same.columns else []) if isinstance(x, str) and x}
            if new_release in recorded:
                clashes.append(DataError(
                    r.file, sheet=r.sheet, row=r.row, column="发布类型", value=r.release or "",
                    expected=f"a release not yet recorded for {r.indicator_id} {r.name_zh} {r.year} {r.scope} "
                             f"(recorded: {' / '.join(fmt_number(v) for v, _ in values if v is not None)}, release "
                             f"{'、'.join(sorted(recorded))}): name this figure's release in 发布类型 (初步核算, 快报, "
                             "统计公报, 最终核实, 修订, 普查修订), or, if this file corrects the recorded value, import "
                             "it with --revise (make import REVISE=1) / 请注明发布类型"))
                continue
            r.release = new_release
        item["_row"] = r
        warn = suspicious(r.value, r.unit, _last(observations, known[r.indicator_id], r, plan.plan_scope),
                          level_limit=level_limit, pp_limit=pp_limit)
        if warn:
            report.warnings.append(f"{r.where}: {r.indicator_id} {r.name_zh} {r.year} = {warn}")
        scope_note = _scope_warning(observations, r, plan.plan_scope)
        if scope_note:
            report.warnings.append(scope_note)
        if len(same):
            old = [fmt_number(v) if v is not None else "(no value)" for v, _ in values]
            report.revised.append({**item, "old_value": values[0][0], "old_value_str": " / ".join(old),
                                   "old_source_id": " / ".join(str(s) for _, s in values),
                                   **({"release": new_release} if new_release else {})})
            if new_release:      # kept beside the earlier release(s)
                appended.append(report.revised[-1])
                continue
            lines = list(same.index)
            replace_at[line_to_pos[lines[0]]] = report.revised[-1]
            to_remove.update(line_to_pos[ln] for ln in lines[1:])
        else:
            report.new.append(item)
            appended.append(item)

    if clashes:
        raise IntakeError(clashes)
    new_sources, source_warnings = _new_sources(report.new + report.revised, sources, incoming, now)
    report.warnings += source_warnings
    for it in report.new + report.revised:
        it["source_id"] = it["_row"].source_id
    if any(it["_row"].release for it in report.new + report.revised) and "release" not in obs_file.header:
        _add_column(obs_file, "release", after="revision")
    merged = []
    for i, rec in enumerate(obs_file.records):
        if i in to_remove:
            continue
        if i in replace_at:
            pos_to_row[len(merged)] = replace_at[i]["_row"]
            merged.append(_observation_record(obs_file, replace_at[i]["_row"], incoming, originals))
        else:
            merged.append(rec)
    for it in appended:
        pos_to_row[len(merged)] = it["_row"]
        merged.append(_observation_record(obs_file, it["_row"], incoming, originals))
    src_records = list(src_file.records)
    src_pos_to_row = {}
    for s in new_sources:
        src_pos_to_row[len(src_records)] = s.pop("_row")
        src_records.append(src_file.record(s))
        report.new_sources.append(s)
        if s["source_kind"] == "ungraded":
            report.warnings.append(f"new source {s['source_id']} is a web page, recorded as ungraded (未定级): "
                                   "verdicts resting on it read 待核实 until you set source_kind in sources.csv "
                                   "(official, official_mirror, press or third_party)")
    for it in report.new + report.revised:
        del it["_row"]

    lists = plan.plan_lists()
    _check_merged(src_file, "sources", src_records, src_pos_to_row, lists)
    typed = _check_merged(obs_file, "observations", merged, pos_to_row, lists)
    all_ids = {rec[src_file.header.index("source_id")] for rec in src_records}
    check_observations(typed, display_path(obs_file.path), set(known) | set(tables.registry["id"]), all_ids)
    changed = bool(report.new or report.revised)
    return Merged(observations=obs_file.serialize(merged) if changed else None,
                  sources=src_file.serialize(src_records) if new_sources else None,
                  originals={obs_file.path: obs_file.data, src_file.path: src_file.data})


def _imported_from(notes) -> list[str]:
    """The kept copies (incoming/…) that earlier imports took these observations from (see _observation_record)."""
    found = []
    for note in notes:
        m = _IMPORTED.search(str(note or ""))
        if m:
            found.append(m.group(1))
    return found


def _last(observations, reg, r: Row, plan_scope: str):
    prior = last_known(observations, reg, r.year, r.scope, plan_scope)
    return None if prior is None else (prior[0], prior[1], prior[3] == "baseline")


def _scope_warning(observations, r: Row, plan_scope: str) -> str | None:
    scopes = set(observations.loc[(observations["indicator_id"] == r.indicator_id)
                                  & (observations["value_kind"] == "level"), "scope"])
    if scopes and r.scope not in scopes:
        return (f"{r.where}: {r.indicator_id} {r.name_zh} {r.year} has 口径 {r.scope}, but the series' existing "
                f"values are {', '.join(sorted(scopes))}: the values may not be comparable / 口径不一致")
    if not scopes and r.scope != plan_scope:
        return (f"{r.where}: {r.indicator_id} {r.name_zh} {r.year} has 口径 {r.scope}; the plan's targets are "
                f"set for {plan_scope} / 应填口径为{plan_scope}")
    return None


def _new_sources(items: list[dict], sources: pd.DataFrame, incoming: dict, now) -> tuple[list[dict], list[str]]:
    """Sources cited by new or revised values that sources.csv does not have yet (matched by URL), and the
    warnings about rows that describe one source differently."""
    existing_ids = set(sources["source_id"])
    made: dict[tuple, dict] = {}
    warnings = []
    for it in items:
        r = it["_row"]
        if r.source_id:
            continue
        skey = (r.title, r.url)
        if skey not in made:
            sid = base = derive_source_id(r.title, r.url)
            n = 2
            while sid in existing_ids:
                sid = f"{base}_{n}"
                n += 1
            existing_ids.add(sid)
            made[skey] = {"source_id": sid, "title": r.title, "publisher": r.publisher,
                          "publication_date": r.publication_date, "url": r.url, "access_date": now.date().isoformat(),
                          "source_kind": source_kind_for(r.url) if r.url else "official", "note": f"由 intake 导入 imported from {incoming[r.file]}",
                          "_row": r}
        src = made[skey]
        for fld, val in (("publisher", r.publisher), ("publication_date", r.publication_date)):
            if val and not src[fld]:
                src[fld] = val
            elif val and src[fld] != val:
                warnings.append(f"{r.where}: {fld} '{val}' differs from '{src[fld]}' given at "
                                      f"{src['_row'].where} for the same source; the first is kept")
        r.source_id = src["source_id"]
    return list(made.values()), warnings


def _observation_record(obs_file: CsvFile, r: Row, incoming: dict, originals: dict | None = None) -> list:
    kept = f"导入自 imported from {incoming[r.file]}"
    if (originals or {}).get(r.file):  # the copy's name had to be shortened or re-encoded
        kept += f"（原文件名 original name: {originals[r.file]}）"
    note = "；".join(x for x in (r.note, kept) if x)
    return obs_file.record({"indicator_id": r.indicator_id, "year": str(r.year), "value": fmt_number(r.value),
                            "value_kind": "level", "value_text": r.value_text, "scope": r.scope,
                            "scope_text": r.scope_text, "months_covered": str(r.months), "source_id": r.source_id,
                            "quote": r.quote, "note": note, **({"release": r.release} if r.release else {})})


def _add_column(csv_file: CsvFile, name: str, after: str) -> None:
    """A plan folder entered before the column existed (an optional column): add it, empty, where the schema
    puts it, so a release can be recorded."""
    at = csv_file.header.index(after) + 1 if after in csv_file.header else len(csv_file.header)
    csv_file.header = csv_file.header[:at] + [name] + csv_file.header[at:]
    csv_file.records = [rec[:at] + [""] + rec[at:] for rec in csv_file.records]


def _check_merged(csv_file: CsvFile, table: str, records: list, pos_to_row: dict, lists: dict) -> pd.DataFrame:
    raw = pd.DataFrame([dict(zip(csv_file.header, rec)) for rec in records], columns=csv_file.header, dtype=object)
    file = display_path(csv_file.path)
    try:
        return check_frame(raw, column_specs(table, lists), file=file)
    except DataError as exc:
        pos = (exc.row or 0) - 2
        if pos in pos_to_row:
            r = pos_to_row[pos]
            raise DataError(r.file, row=r.row, column=exc.column, value=exc.value, sheet=r.sheet,
                            expected=f"{exc.expected} (column {exc.column} of {file})") from None
        raise

