"""Sphinx extension: keep every built page free of internet addresses in its scripts.

Jupyter Book 1 always loads sphinx-thebe, which writes a thebe URL on a CDN into every page even when
launch buttons are off. The report has no live code, so thebe's scripts are dropped from each page.
"""

THEBE_MARKERS = ("THEBE_JS_URL", "sphinx-thebe.js", "thebe")


def _is_external(script) -> bool:
    filename = str(getattr(script, "filename", "") or "")
    body = str(getattr(script, "attributes", {}).get("body", "") or "")
    return (filename.startswith(("http://", "https://", "//")) or "https://" in body
            or any(m in filename or m in body for m in THEBE_MARKERS))


def drop_external_scripts(app, pagename, templatename, context, doctree):
    if "script_files" in context:
        context["script_files"] = [s for s in context["script_files"] if not _is_external(s)]


def setup(app):
    app.connect("html-page-context", drop_external_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
