"""How a notebook shows things: the only module that imports IPython. A page template loads a report, calls
the functions that compute its tables, sentences and charts, and shows them with these."""
from __future__ import annotations

from .context import Report, open_report


def start(data_dir: str, eval_year: int) -> Report:
    """Every page's first call: the edition's report. Charts are set to draw offline where they are shown
    (``charts``), so a page without charts never imports altair (a quarter second of every kernel)."""
    return open_report(data_dir, eval_year)


def md(text: str) -> None:
    """Show Markdown; nothing at all when there is nothing to say (an edition may have no such paragraph)."""
    from IPython.display import Markdown, display

    if text:
        display(Markdown(text))


def html(text: str) -> None:
    from IPython.display import HTML, display

    if text:
        display(HTML(text))


def charts(items: list, empty: str = "本章没有规划期内可作图的数据（见“数据缺口”）。") -> None:
    from IPython.display import display

    if not items:
        md(empty)
        return
    from .charts import enable_offline, mimebundle

    enable_offline()
    for chart in items:
        display(mimebundle(chart), raw=True)


def glue(values: dict) -> None:
    from .glue import glue_numbers

    glue_numbers(values)
