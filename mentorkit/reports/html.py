"""HTML export of an executed notebook for readers who do not read code (nbconvert).

Code cells, prompts, warnings written to stderr, papermill's markers and cells tagged
``remove`` are left out; what remains are the notebook's text and its outputs. Images are
embedded and scripts removed, so a report is one self-contained, static file that
fetches nothing from the internet when opened.

Example
-------
>>> import nbformat
>>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Hello"),
...                                      nbformat.v4.new_code_cell("secret_code = 1")])
>>> html = to_html(nb, "A report")
>>> "Hello" in html and "secret_code" not in html and "<title>A report</title>" in html
True
"""

from __future__ import annotations

import copy
import re
from typing import Any

__all__ = ["to_html", "REPORT_CSS"]

REPORT_CSS = """
body { background: #fff; }
.jp-Notebook { max-width: 66rem; margin: 0 auto; padding: 2rem 1.5rem 4rem; }
.jp-RenderedHTMLCommon, .jp-RenderedMarkdown { font-size: 15px; line-height: 1.55;
  color: #222; font-family: "Helvetica Neue", Arial, sans-serif; }
.jp-RenderedHTMLCommon h1 { font-size: 1.9rem; margin-bottom: 0.2rem; }
.jp-RenderedHTMLCommon h3 { font-size: 1.05rem; margin-top: 1.3rem; }
.jp-RenderedHTMLCommon h3 .mk-note { font-weight: normal; }
.jp-RenderedHTMLCommon h2 { font-size: 1.35rem; margin-top: 2.2rem;
  border-bottom: 2px solid #2166ac; padding-bottom: 0.2rem; }
.jp-RenderedHTMLCommon table { margin: 0.6rem 0 0.4rem; font-size: 13px; max-width: 100%;
  table-layout: auto; }
.jp-OutputArea-output { overflow-x: auto; max-width: 100%; }
.jp-RenderedHTMLCommon td, .jp-RenderedHTMLCommon th { white-space: normal;
  word-break: normal; overflow-wrap: normal; }
.jp-RenderedHTMLCommon th, .jp-RenderedHTMLCommon td { padding: 0.25rem 0.7rem; }
.jp-RenderedHTMLCommon tbody tr:nth-child(odd) { background: #f5f7fa; }
.jp-RenderedHTMLCommon tr.mk-total td, .jp-RenderedHTMLCommon tr.mk-total th {
  font-weight: 600; border-top: 1px solid #999; }
.mk-note { color: #555; font-size: 13px; margin-top: 0.2rem; }
.mk-figures { display: grid; grid-template-columns: repeat(3, 1fr); gap: 0.8rem;
  margin: 0.5rem 0; }
.mk-figure { border: 1px solid #d8dee8; border-radius: 6px;
  padding: 0.6rem 0.9rem; background: #f8fafc; }
.mk-figure .mk-value { font-size: 1.7rem; font-weight: 600; color: #2166ac; }
.mk-figure .mk-label { font-size: 13px; color: #444; }
.mk-bar { background: #e6ebf2; border-radius: 3px; height: 0.8rem; width: 9rem;
  position: relative; display: inline-block; vertical-align: middle; }
.mk-bar span { position: absolute; left: 0; top: 0; bottom: 0; border-radius: 3px;
  background: #2166ac; }
.mk-bar.mk-met span { background: #1b7837; }
.jp-OutputArea-output img { max-width: 100%; }
@media print { .jp-Notebook { max-width: none; padding: 0; }
  .jp-RenderedHTMLCommon table { font-size: 11px; } }
"""

_SCRIPT = re.compile(r"<script\b.*?</script>", re.S | re.I)
"""Reports need no JavaScript; without it, opening one fetches nothing from the internet."""

_DROP_TAGS = {"remove", "remove-cell", "papermill-error-cell-tag"}


def _clean(nb: Any) -> Any:
    nb = copy.deepcopy(nb)
    cells = []
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & _DROP_TAGS or (cell.cell_type == "markdown"
                                 and "papermill-error-cell-tag" in cell.source):
            continue
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.get("outputs", [])
                            if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
            if not cell.outputs:
                continue
        cells.append(cell)
    nb.cells = cells
    return nb


def to_html(nb: Any, title: str) -> str:
    """The notebook as one self-contained HTML page without code, titled ``title``."""
    from nbconvert import HTMLExporter

    nb = _clean(nb)
    nb.metadata["title"] = title
    exporter = HTMLExporter(template_name="lab", exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True, embed_images=True)
    html, _ = exporter.from_notebook_node(nb)
    html = _SCRIPT.sub("", html)
    return html.replace("</head>", f"<style>{REPORT_CSS}</style>\n</head>", 1)
