"""What an import says: every problem at once (:class:`IntakeError`), or what it did (:class:`ImportReport`)."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..data.schema import DataError
from .parse import ranges

_MAX_LISTED = 30


class IntakeError(DataError):
    """All the problems found in the files of one import. Its fields (file, sheet, row, column, value,
    expected) are those of the first problem; ``problems`` lists every one, and the message shows them all."""

    def __init__(self, problems: list[DataError]):
        first = problems[0]
        super().__init__(first.file, first.row, first.column, first.value, first.expected, first.sheet)
        self.problems = list(problems)
        lines = [str(first)]
        if len(problems) > 1:
            lines.append(f"… and {len(problems) - 1} more problem(s) / 另有问题:")
            lines += [f"  - {p}" for p in problems[1:_MAX_LISTED]]
            if len(problems) > _MAX_LISTED:
                lines.append(f"  - ({len(problems) - _MAX_LISTED} more not shown)")
        self.args = ("\n".join(lines),)


@dataclass
class FileReport:
    file: str
    sheet: str | None
    encoding: str | None
    department: str | None
    skipped_rows: list = field(default_factory=list)
    incoming_path: str | None = None


@dataclass
class ImportReport:
    dry_run: bool
    files: list = field(default_factory=list)  # FileReport, in the order given
    new: list = field(default_factory=list)
    revised: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    new_sources: list = field(default_factory=list)
    written: list = field(default_factory=list)
    recovered: str | None = None  # an interrupted import completed before this one

    @property
    def changed(self) -> bool:
        return bool(self.new or self.revised)

    # the single-file view the old API had
    @property
    def file(self) -> str:
        return self.files[0].file if self.files else ""

    @property
    def sheet(self):
        return self.files[0].sheet if self.files else None

    @property
    def encoding(self):
        return self.files[0].encoding if self.files else None

    @property
    def skipped_rows(self) -> list:
        return [r for f in self.files for r in f.skipped_rows]

    @property
    def incoming_path(self) -> str | None:
        return self.files[0].incoming_path if self.files else None

    def to_text(self) -> str:
        head = "试运行（未写入任何文件）dry run, nothing written" if self.dry_run else "已导入 imported"
        out = []
        if self.recovered:
            out.append(self.recovered)
        for f in self.files:
            where = f.file + (f", sheet '{f.sheet}'" if f.sheet else "") + (f" ({f.encoding})" if f.encoding else "")
            out.append(f"{head}: {where}" + (f" · 填报单位 {f.department}" if f.department else ""))
        out.append(f"新增 new: {len(self.new)} · 修订 revised: {len(self.revised)} · 未变 unchanged: "
                   f"{len(self.unchanged)} · 跳过（数值为空）skipped, no 数值: {len(self.skipped_rows)} · "
                   f"新来源 new sources: {len(self.new_sources)} · 警告 warnings: {len(self.warnings)}")
        several = len(self.files) > 1

        def line(r):
            at = f"{r['file']} row {r['row']}" if several else f"row {r['row']}"
            return f"  {at}: {r['indicator_id']} {r['name_zh']} {r['year']} {r['scope']}"

        if self.new:
            out.append("新增数值 New values:")
            out += [f"{line(r)} = {r['value_str']} {r['unit']}  [source {r['source_id']}]" for r in self.new]
        if self.revised:
            out.append("修订数值 Revised values (old → new):")
            out += [f"{line(r)}: {r['old_value_str']} → {r['value_str']} {r['unit']}  "
                    f"[old source {r['old_source_id']} → new source {r['source_id']}]" for r in self.revised]
        if self.unchanged:
            out.append("未变 Unchanged:")
            out += [f"{line(r)} = {r['value_str']} {r['unit']}" + (f"  ({r['why']})" if r.get("why") else "")
                    for r in self.unchanged]
        if self.new_sources:
            out.append("新来源 New sources (sources.csv):")
            out += [f"  {s['source_id']}: {s['title']} <{s['url']}> ({s['source_kind']})" for s in self.new_sources]
        if self.warnings:
            out.append("警告 Warnings (imported, but please check / 已导入，请核对):")
            out += [f"  - {w}" for w in self.warnings]
        for f in self.files:
            if f.skipped_rows:
                out.append(f"跳过 Skipped rows with an empty 数值{' in ' + f.file if several else ''}: "
                           f"{ranges(f.skipped_rows)}")
        for f in self.files:
            if f.incoming_path:
                out.append(f"原件已保存 Original kept as: {f.incoming_path}")
        if self.written:
            out.append("写入 Written: " + ", ".join(self.written))
        elif not self.dry_run:
            out.append("数据未变，未写入任何文件 No new or revised value: nothing was written.")
        return "\n".join(out)
