"""`jupyter-book <args>`, started ahead of time: while the pages are still being executed it imports Sphinx, Jupyter
Book's extensions and the Chinese word splitter's dictionary (jieba, ~1 s), reads the book's configuration and
table of contents and sets Sphinx up on the site's incremental state; then it waits for one line on stdin before
reading any page. `go` builds exactly as the jupyter-book command would (same arguments, output and exit code);
anything else, or the end of stdin, exits without building. planeval.book.build starts it when pages are
re-executed, once _config.yml, _toc.yml and the site's work folder are settled, so the site step after the pages
costs only Sphinx's reading and writing.

    python -m planeval.book.sphinx_warm build <book root> --path-output <dir> -W -n --keep-going -q
"""
import gc
import importlib
import logging
import os
import sys

WARM_MODULES = ("sphinx.application", "sphinx.builders.html", "myst_nb", "myst_nb.core.execute", "myst_nb.ext.glue",
                "sphinx_book_theme", "sphinx_external_toc", "sphinx_design", "sphinx_togglebutton",
                "sphinx_copybutton", "sphinx_comments", "sphinx_thebe", "sphinx.search.zh")


class NotTold(BaseException):
    """Not told to build: leaves Jupyter Book's command (which catches every Exception) before Sphinx reads a page."""


def warm() -> None:
    for name in WARM_MODULES:
        try:
            importlib.import_module(name)
        except ImportError:
            pass
    try:
        import jieba
    except ImportError:
        return
    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()  # what Sphinx's Chinese search would do on its first page (same dictionary, same state)


def wait_for_go(build):
    """Sphinx's build, entered only after `go`: everything before it (configuration, extensions, the environment
    of the last build) is done ahead; reading the pages is not, as they are still being written."""
    def build_when_told(app, *args, **kwargs):
        if sys.stdin.readline().strip() != "go":
            raise NotTold
        # what is loaded by now lives until the end: the collector need not walk it again while Sphinx allocates
        gc.freeze()
        return build(app, *args, **kwargs)
    return build_when_told


def main(argv: list[str]) -> int:
    from jupyter_book.cli.main import main as jupyter_book
    from sphinx.application import Sphinx

    warm()
    Sphinx.build = wait_for_go(Sphinx.build)
    try:
        return jupyter_book(argv, standalone_mode=False) or 0
    except NotTold:
        return 0


def leave(code: int) -> None:
    """Exit at once once every output is written and flushed: tearing down Sphinx's environment and the word
    splitter's dictionary object by object takes about a third of a second, which the build would wait for."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    try:
        code = main(sys.argv[1:])
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        if not isinstance(exc.code, int) and exc.code is not None:
            print(exc.code, file=sys.stderr)
    except BaseException as exc:  # as the command line would: the error, exit 1 (click's standalone handling)
        import traceback

        traceback.print_exception(exc)
        code = 1
    leave(code)
