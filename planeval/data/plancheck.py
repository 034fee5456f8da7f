"""Checks of a plan folder's tables against its plan.yml: what a column schema cannot see because it needs the
plan's period, tables, previous plan or text. Each failure names the file, row and column and says what was
expected; load_dataset runs them all before anything else is done, so a build stops with exit 2."""
from __future__ import annotations

import re

import pandas as pd

from .schema import DataError, display_path


def check_against_plan(cfg, registry: pd.DataFrame, observations: pd.DataFrame, extra: dict) -> None:
    reg_file = display_path(cfg.folder / "indicators.csv")
    check_tables(cfg, registry, reg_file)
    check_baselines(cfg, registry, reg_file)
    check_observation_years(cfg, observations, display_path(cfg.folder / "observations.csv"))
    check_responsibility(registry, extra["responsibility"], display_path(cfg.folder / "responsibility.csv"))
    check_quotes(cfg, registry, reg_file)


def check_tables(cfg, registry: pd.DataFrame, file: str) -> None:
    """Every row's table is one plan.yml names; a `previous` row needs the previous plan it belongs to
    (without it the row would be judged over this plan's period, or silently left out)."""
    for row, table in registry["table"].items():
        if table == "previous" and cfg.previous is None:
            raise DataError(file, row=row, column="table", value=table,
                            expected="a table of this plan: `previous` rows need `previous_plan` (short_name, "
                                     "period) in plan.yml")
        if table not in cfg.tables:
            raise DataError(file, row=row, column="table", value=table,
                            expected=f"one of the tables plan.yml names: {', '.join(cfg.tables)}")


def check_baselines(cfg, registry: pd.DataFrame, file: str) -> None:
    """A target's baseline comes before its plan starts (the previous plan's rows: before that plan started)."""
    for row, r in registry.iterrows():
        if pd.isna(r["baseline_year"]):
            continue
        period = cfg.window(r["table"])
        if int(r["baseline_year"]) >= period.start:
            raise DataError(file, row=row, column="baseline_year", value=int(r["baseline_year"]),
                            expected=f"a year before {period.start}, the first year of the plan period "
                                     f"{period.start}–{period.end} (a baseline is where the plan starts from)")


def check_observation_years(cfg, observations: pd.DataFrame, file: str) -> None:
    """No value after the plan's last year: a later year belongs to the next plan's folder (it would be
    silently ignored here)."""
    end = cfg.period.end
    for row, year in observations["year"].items():
        if int(year) > end:
            raise DataError(file, row=row, column="year", value=int(year),
                            expected=f"a year up to {end}, the plan's last year (a later year belongs to the next "
                                     "plan: enter it in that plan's folder)")


def check_responsibility(registry: pd.DataFrame, resp: pd.DataFrame, file: str) -> None:
    """responsibility.csv, when present, names only this plan's targets and every one of them (requests and
    the data page's collection status need a department for each)."""
    if resp.empty:
        return
    ids = set(registry["id"])
    own = [i for i in registry.loc[registry["table"] != "previous", "id"]]
    for row, iid in resp["indicator_id"].items():
        if iid not in ids:
            raise DataError(file, row=row, column="indicator_id", value=iid,
                            expected="an id of indicators.csv of this plan")
    assigned = set(resp["indicator_id"])
    missing = [i for i in own if i not in assigned]
    if missing:
        raise DataError(file, column="indicator_id", value=", ".join(missing[:10]) + (" …" if len(missing) > 10 else ""),
                        expected=f"a row for every target of the plan ({len(missing)} without a department)")


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def check_quotes(cfg, registry: pd.DataFrame, file: str) -> None:
    """When plan.yml names the plan's text, each row's quote is a passage of it: whitespace aside, and a
    table row's cells (separated by |) each found in the text."""
    if cfg.text is None:
        return
    text = _squeeze(cfg.text.read_text(encoding="utf-8"))
    for row, r in registry.iterrows():
        for part in str(r["quote"]).split("|"):
            part = _squeeze(part)
            if part and part not in text:
                raise DataError(file, row=row, column="quote", value=part[:60],
                                expected=f"a passage of the plan's text {cfg.text.name} (plan.yml `text`), as "
                                         "printed: whitespace aside, each | separated cell found in the text")
