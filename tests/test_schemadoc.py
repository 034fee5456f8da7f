"""README "Starting a new plan" lists every column with its codes, generated from schema.yml and labels.yml
(planeval/data/schemadoc.py): if this fails, run `python -m planeval.data.schemadoc` and commit README.md."""
from planeval import paths
from planeval.data import schemadoc
from planeval.data.schema import DataError, load_schema, read_rows


def test_the_readme_columns_are_current():
    readme = (paths.ROOT / "README.md").read_text(encoding="utf-8")
    assert schemadoc.BEGIN in readme and schemadoc.END in readme
    assert schemadoc.readme_with_columns(readme) == readme


def test_every_column_and_every_code_is_listed():
    text = schemadoc.render()
    schema = load_schema()
    for table in schemadoc.TABLES:
        assert f"`{table}.csv`" in text
        for column in schema["tables"][table]["columns"]:
            assert f"- `{column}` (" in text, (table, column)
    assert "`official_mirror` 官方文本（经公开镜像读取，已与原文核对）" in text
    assert "`cumulative_reduction` 规划期累计降低率（逐年降低率连乘）" in text and "`baseline_estimate` (bool, may be left out)" in text


def test_a_new_column_makes_the_readme_stale(monkeypatch):
    readme = (paths.ROOT / "README.md").read_text(encoding="utf-8")
    schema = load_schema()
    changed = {**schema, "tables": {**schema["tables"], "series": {
        **schema["tables"]["series"], "columns": {**schema["tables"]["series"]["columns"], "unit_note": {"field": "note"}}}}}
    monkeypatch.setattr(schemadoc, "load_schema", lambda: changed)
    assert schemadoc.readme_with_columns(readme) != readme


def test_a_gbk_file_is_refused_with_how_to_save_it(tmp_path):
    path = tmp_path / "sources.csv"
    path.write_bytes("source_id,title\ns1,统计公报\n".encode("gbk"))
    try:
        read_rows(path)
    except DataError as exc:
        assert "CSV UTF-8（逗号分隔）" in str(exc) and "GBK" in str(exc)
    else:
        raise AssertionError("a GBK file was read")
