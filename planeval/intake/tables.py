"""The plan folder as the intake sees it: the plan's config, its targets, observations, sources, context series
and the responsibility assignment, each loaded through the shared schema; and CSV files rewritten byte for
byte as they were except for the rows an import adds or replaces."""
from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd

from ..config import PlanConfig, default_plan, load_plan
from ..data.observations import check_observations
from ..data.registry import load_registry
from ..data.schema import DataError, column_specs, display_path, load_table, table_columns


def plan_config(plan: str | Path | PlanConfig | None) -> PlanConfig:
    """A plan folder name under data/ (default: the plan the committed book evaluates) or a path."""
    if isinstance(plan, PlanConfig):
        return plan
    return load_plan(plan if plan else default_plan())


def num(x):
    return None if x is None or pd.isna(x) else x


@dataclass
class PlanTables:
    """What an intake command reads from ``data/<plan>/``. Optional tables that are missing are empty."""
    plan: PlanConfig

    @property
    def folder(self) -> Path:
        return self.plan.folder

    def path(self, name: str) -> Path:
        return self.folder / f"{name}.csv"

    def load(self, name: str) -> pd.DataFrame:
        return load_table(self.path(name), name, self.plan.plan_lists())

    def optional(self, name: str) -> pd.DataFrame:
        if self.path(name).exists():
            return self.load(name)
        return pd.DataFrame({s.name: pd.Series(dtype="object") for s in column_specs(name)})

    @cached_property
    def registry(self) -> pd.DataFrame:
        return load_registry(self.folder, self.plan.plan_lists())

    @cached_property
    def targets(self) -> pd.DataFrame:
        """This plan's own targets (the registry without the previous plan's rows), in registry order."""
        return self.registry[self.registry["table"] != "previous"]

    @cached_property
    def series(self) -> pd.DataFrame:
        return self.optional("series")

    @cached_property
    def sources(self) -> pd.DataFrame:
        return self.load("sources")

    @cached_property
    def observations(self) -> pd.DataFrame:
        obs = self.load("observations")
        known = set(self.registry["id"]) | set(self.series["id"])
        check_observations(obs, display_path(self.path("observations")), known, set(self.sources["source_id"]))
        return obs

    @cached_property
    def responsibility(self) -> pd.DataFrame:
        """indicator_id → department (responsibility.csv); empty when the plan has none yet."""
        resp = self.optional("responsibility")
        ids = set(self.registry["id"])
        file = display_path(self.path("responsibility"))
        for row, r in resp.iterrows():
            if r["indicator_id"] not in ids:
                raise DataError(file, row=row, column="indicator_id", value=r["indicator_id"],
                                expected="an id of indicators.csv of this plan")
        return resp

    @cached_property
    def department_of(self) -> dict:
        return dict(zip(self.responsibility["indicator_id"], self.responsibility["department"]))

    def require_responsibility(self) -> pd.DataFrame:
        """The assignment, with a department for every target of the plan (requests and status need it)."""
        resp = self.responsibility
        file = display_path(self.path("responsibility"))
        if not self.path("responsibility").exists():
            raise DataError(file, expected="a responsibility table (indicator_id, department, assignment, contact, "
                                           "basis) assigning each target of the plan to a department")
        missing = [i for i in self.targets["id"] if i not in self.department_of]
        if missing:
            raise DataError(file, column="indicator_id", value=", ".join(missing[:10]) + (" …" if len(missing) > 10 else ""),
                            expected=f"a row for every target of the plan ({len(missing)} without a department)")
        return resp

    def known_indicators(self) -> dict:
        """id → registry row (this plan's targets) or a context series row (importable, no target)."""
        known = {r["id"]: r for _, r in self.targets.iterrows()}
        for _, s in self.series.iterrows():
            known.setdefault(s["id"], {"id": s["id"], "name_zh": s["name_zh"], "unit": s["unit"], "table": "series",
                                       "target_form": None, "baseline_year": None, "baseline_value": None,
                                       "target_value": None, "target_text": None, "target_year": None})
        return known


def last_known(observations: pd.DataFrame | None, registry_row, before_year: int, scope: str | None,
               plan_scope: str):
    """The latest level value of a series before ``before_year`` → (value, year, scope, origin), preferring
    ``scope`` (else the plan scope, else any); falls back to the plan's baseline. None when nothing is known."""
    iid = registry_row["id"]
    if observations is not None and len(observations):
        obs = observations[(observations["indicator_id"] == iid) & (observations["value_kind"] == "level")
                           & observations["value"].notna() & (observations["year"] < before_year)]
        for wanted in (scope, plan_scope, None):
            sub = obs if wanted is None else obs[obs["scope"] == wanted]
            if len(sub):
                top = sub.sort_values("year", kind="stable").iloc[-1]
                return float(top["value"]), int(top["year"]), top["scope"], "observation"
    by, bv = num(registry_row.get("baseline_year")), num(registry_row.get("baseline_value"))
    if by is not None and bv is not None and int(by) < before_year:
        return float(bv), int(by), None, "baseline"
    return None


@dataclass
class CsvFile:
    """A data CSV as bytes, its records, and how it was written (BOM, newline, quoting), so that a rewrite
    with the same records gives the same bytes."""
    path: Path
    data: bytes
    header: list
    records: list
    bom: bool
    newline: str
    quoting: int
    final_newline: bool

    @classmethod
    def read(cls, path: Path, table: str | None = None) -> "CsvFile":
        path = Path(path)
        if not path.exists():  # a table the plan does not have yet (changelog, receipts)
            header = table_columns(table or path.stem)
            return cls(path, b"", header, [], False, "\n", csv.QUOTE_MINIMAL, True)
        data = path.read_bytes()
        bom = data.startswith(codecs.BOM_UTF8)
        text = data[3:].decode("utf-8") if bom else data.decode("utf-8")
        rows = [r for r in csv.reader(io.StringIO(text, newline="")) if r]
        newline = "\r\n" if "\r\n" in text else "\n"
        self = cls(path, data, rows[0], rows[1:], bom, newline, csv.QUOTE_MINIMAL, True)
        for quoting in (csv.QUOTE_MINIMAL, csv.QUOTE_ALL):
            for final in (True, False):
                self.quoting, self.final_newline = quoting, final
                if self.serialize(rows[1:]) == data:
                    return self
        self.quoting, self.final_newline = csv.QUOTE_MINIMAL, True
        return self

    def serialize(self, records) -> bytes:
        buf = io.StringIO(newline="")
        writer = csv.writer(buf, quoting=self.quoting, lineterminator=self.newline)
        writer.writerow(self.header)
        writer.writerows(records)
        text = buf.getvalue()
        if not self.final_newline and text.endswith(self.newline):
            text = text[: -len(self.newline)]
        return (codecs.BOM_UTF8 if self.bom else b"") + text.encode("utf-8")

    def record(self, values: dict) -> list:
        return [values.get(col, "") for col in self.header]

    def appended(self, rows: list[dict]) -> bytes:
        return self.serialize(list(self.records) + [self.record(r) for r in rows])
