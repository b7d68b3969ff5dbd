"""Report runner: executes notebooks, writes HTML and PNGs, names the failing cell."""
from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest

from repstats import report
from repstats.config import paths
from repstats.report import NotebookError, notebook_files, run_reports

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def _nb(cells):
    import nbformat  # here: at module level every worker's collection pays

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    for src, tags in cells:
        if src.startswith(("#", "**")):
            nb.cells.append(nbformat.v4.new_markdown_cell(src, metadata={"tags": tags}))
        else:
            nb.cells.append(nbformat.v4.new_code_cell(src, metadata={"tags": tags}))
    return nb


def _save(nb, path: Path) -> None:
    import nbformat

    nbformat.write(nb, path)


def code_cells_shown(page: str) -> int:
    """Code cells whose source the HTML shows (nbconvert's lab template)."""
    cells = re.findall(r'class="jp-Cell jp-CodeCell[^"]*"', page)
    return sum("jp-mod-noInput" not in c for c in cells)


def _paths(tmp_path):
    return paths(root=tmp_path, raw=tmp_path / "raw", processed=tmp_path / "proc",
                 reports=tmp_path / "reports", mirror=tmp_path)


def test_report_for_readers_hides_code_orders_summary_toc_captions(tmp_path, monkeypatch):
    """Also: the notebook runs with the report's parameters, whose values (local paths)
    are never shown; figures are written as PNG files. (One notebook, executed once, for
    all of these: every kernel start costs seconds.)"""
    (tmp_path / "notebooks").mkdir()
    nb = _nb([("# Demo report", []),
              ("RAW_DIR = None", ["parameters"]),
              ("marker_in_code = 'CODE-ONLY-MARKER'\nprint('computed answer: 42')", []),
              ("## Method", []),
              # reads the parameter by a name its shown code never spells (the page with
              # code must not show the name)
              ("print('method output')\nprint('raw is', globals()['RAW' + '_DIR'])", []),
              ("## Results: Code's «итоги» (1)", []),
              ("import matplotlib.pyplot as plt\nfrom repstats import plots\n"
               "ax = plots.scatter_fit(__import__('pandas').DataFrame("
               "{'x': [1, 2, 3, 4], 'y': [2, 4, 5, 8]}), x='x', y='y', title='Repstats chart')\n"
               "plots.add_source(ax.figure, 'test data')\nplt.show()", []),
              ("import pandas as pd\nax = pd.Series([3, 1, 2]).plot(title='Plain pandas')\n"
               "plt.show()\nprint('interactive:', plt.isinteractive())", []),
              ("**Answer.** The claim holds in this demo.", ["summary"])])
    _save(nb, tmp_path / "notebooks" / "01_demo.ipynb")
    # the page with code (further down) comes from the same execution, as keep_code
    # changes only the export: the executed notebook is kept and exported again
    executed = {}
    execute = report.execute_notebook

    def once(path, *args, **kwargs):
        if path not in executed:
            executed[path] = execute(path, *args, **kwargs)
        return copy.deepcopy(executed[path])

    monkeypatch.setattr(report, "execute_notebook", once)
    written = run_reports(_paths(tmp_path), log=lambda s: None)
    page = (tmp_path / "reports" / "01_demo.html").read_text()
    assert "CODE-ONLY-MARKER" not in page and code_cells_shown(page) == 0
    # ran with the parameter, but no local path is shown
    assert "raw is &lt;raw&gt;" in page or "raw is <raw>" in page
    assert str(tmp_path) not in page and "RAW_DIR =" not in page
    # first screen: title, then the answer, then the contents, then the sections
    order = [page.index(s) for s in ('id="Demo-report"', "The claim holds",
                                     "computed answer: 42", "<strong>Contents",
                                     "method output")]
    assert order == sorted(order)
    assert 'href="#Method"' in page and 'id="Method"' in page
    for target in re.findall(r'<a href="#([^"]+)">', page):  # every contents link lands
        assert f'id="{target}"' in page, target
    # both the repstats chart and the later plain pandas plot are shown, with captions
    pngs = [p for p in written if p.suffix == ".png"]
    assert len(pngs) == 2, pngs
    assert all(p.read_bytes()[:4] == b"\x89PNG" for p in pngs)
    # encoded once, by the kernel's display, at the report's fast zlib level (lossless: the
    # level changes the file size only); zlib's FLEVEL bits say 0 for levels 0-1, 2 for
    # Pillow's default 6
    for png in pngs:
        data = png.read_bytes()
        zlib_header = data[data.index(b"IDAT") + 4:][:2]
        assert zlib_header[0] & 0x0F == 8 and zlib_header[1] >> 6 == 0, zlib_header.hex()
    assert "Figure 1.</b> Repstats chart. Source: test data." in page
    assert "Figure 2.</b> Plain pandas." in page and 'alt="Figure 2. Plain pandas."' in page
    assert "interactive: True" in page
    assert pngs[0].name == "01_demo_fig01_repstats_chart.png"
    # a figure file of an earlier run that this run does not write is removed (a reader
    # must not find a chart the report no longer has); other files are left alone
    figures = tmp_path / "reports" / "figures"
    stale, other = figures / "01_demo_fig03_old_caption.png", figures / "01_demo_notes.png"
    for f in (stale, other, figures / "02_other_fig03_x.png"):
        f.write_bytes(b"old")
    kept = run_reports(_paths(tmp_path), keep_code=True, log=lambda s: None)
    assert not stale.exists() and other.exists() and (figures / "02_other_fig03_x.png").exists()
    assert all(p.exists() for p in pngs)
    page = kept[0].read_text()
    assert "CODE-ONLY-MARKER" in page and "RAW_DIR" not in page
    assert str(tmp_path) not in page
    assert code_cells_shown(page) == 4  # parameter and setup cells are never shown


def test_unknown_notebook_name(tmp_path):
    (tmp_path / "notebooks").mkdir()
    with pytest.raises(ValueError, match="no notebook 'zz'"):
        notebook_files(tmp_path / "notebooks", ["zz"])


def test_committed_notebooks_have_no_outputs():
    files = sorted(NOTEBOOKS.glob("*.ipynb"))
    for f in files:
        nb = json.loads(f.read_text(encoding="utf-8"))
        for i, cell in enumerate(nb["cells"]):
            if cell["cell_type"] == "code":
                assert cell.get("outputs") == [], f"{f.name} cell {i} has outputs"
                assert cell.get("execution_count") is None, f"{f.name} cell {i} has a count"


def test_figure_caption_takes_the_suptitle_once():
    """The suptitle is also one of ``fig.texts``: the caption names it once, then the
    source line."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from repstats.plots import add_source
    from repstats.report import figure_caption

    fig, ax = plt.subplots()
    ax.set_title("panel")
    fig.suptitle("Convictions per year")
    add_source(fig, "court tables")
    assert figure_caption(fig) == "Convictions per year. Source: court tables."
    plt.close(fig)


def test_figure_png_draws_at_canvas_size_unless_text_would_be_cut():
    """A figure is drawn once, at its own size (twice its resolution); one whose title,
    label, legend or text reaches past the canvas is drawn again cropped to its content,
    so nothing is cut off. An empty figure gives no image."""
    import base64
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from PIL import Image

    from repstats.report import figure_png

    def pixels(fig):
        data, meta = figure_png(fig)
        size = Image.open(io.BytesIO(base64.b64decode(data))).size
        assert (meta["width"], meta["height"]) == (size[0] // 2, size[1] // 2)
        return size

    canvas = (1200, 600)  # 6 x 3 inches at 100 dpi, doubled
    inside = plt.figure(figsize=(6, 3), dpi=100, layout="constrained")
    inside.add_subplot().plot([1, 2], [1, 2])
    inside.suptitle("A title that fits")
    assert pixels(inside) == canvas
    outside = [lambda f: f.text(1.05, 0.5, "a note past the right edge"),
               lambda f: f.suptitle("title above the canvas", y=1.1),
               lambda f: f.axes[0].set_title("x " * 200),
               lambda f: f.axes[0].legend(["a legend"], loc="center left",
                                          bbox_to_anchor=(-0.6, 0.5))]
    for place in outside:
        fig = plt.figure(figsize=(6, 3), dpi=100)
        fig.add_subplot().plot([1, 2], [1, 2])
        place(fig)
        assert pixels(fig) != canvas
    hidden = plt.figure(figsize=(6, 3), dpi=100)
    hidden.add_subplot().plot([1, 2], [1, 2])
    hidden.text(1.05, 0.5, "not drawn", visible=False)
    assert pixels(hidden) == canvas
    assert figure_png(plt.figure()) is None
    plt.close("all")


def test_notebooks_run_in_parallel_reports_in_order_first_failure_raised(tmp_path, capfd,
                                                                        monkeypatch):
    """Also: the error names the failing notebook and cell, and no report is written for
    it; the kernels talk over private Unix sockets, not open TCP ports, and leave none
    behind (one run of three kernels for all)."""
    import os
    import tempfile

    # the run's own temporary folder (other processes' kernel folders come and go in the
    # shared one); short, as a Unix socket's path is
    private = Path(tempfile.mkdtemp(prefix="rk-"))
    monkeypatch.setattr(tempfile, "tempdir", str(private))
    # the injected setup cell (still injected, tagged and left out of the cell numbers)
    # does nothing here: what it sets up is checked by the test above and by the run's
    # real report (tests/pipeline.py, three notebooks at once); in each of these three
    # kernels it cost ~1.6 CPU-s (pandas, matplotlib's inline backend)
    monkeypatch.setattr(report, "SETUP_SOURCE", "pass")
    (tmp_path / "notebooks").mkdir()
    for name, cells in (("01_a", ["print('from a')"]),
                        ("02_b", ["x = 1", "raise RuntimeError('b broke')"]),
                        ("03_c", ["raise RuntimeError('c broke')"])):
        _save(_nb([(src, []) for src in cells]), tmp_path / "notebooks" / f"{name}.ipynb")
    lines = []
    # 02 first, not 03; its cell 2
    with pytest.raises(NotebookError, match=r"02_b\.ipynb.*cell 2 .*b broke"):
        run_reports(_paths(tmp_path), log=lines.append, jobs=3)
    assert [line.split(":")[0] for line in lines] == ["report 1 of 3"]
    assert "from a" in (tmp_path / "reports" / "01_a.html").read_text()
    assert not (tmp_path / "reports" / "02_b.html").exists()
    assert not (tmp_path / "reports" / "03_c.html").exists()
    # every kernel stopped, the failed ones too (none left to exit with this process)
    assert _kernels_alive() == []
    if os.name == "posix":
        assert "TCP without encryption" not in capfd.readouterr().err  # ipykernel's warning
        assert list(private.iterdir()) == []
    monkeypatch.undo()
    private.rmdir()


def _kernels_alive():
    import psutil

    # the runner starts its kernels as this process's own children; the test run's
    # pipeline (tests/pipeline.py, a child when this worker started it) runs its report's
    # kernels further down, and they are not this test's
    alive = []
    for child in psutil.Process().children(recursive=False):
        try:
            if any("ipykernel" in part for part in child.cmdline()):
                alive.append(child.pid)
        except (psutil.NoSuchProcess, psutil.ZombieProcess):
            pass
    return alive


def test_export_reuses_one_exporter_per_keep_code_and_keeps_no_state(tmp_path):
    # one exporter (templates compiled once) serves every notebook of a run; what one
    # export sets must not leak into the next, and keep_code picks its own exporter
    import nbformat

    def executed(text):
        nb = _nb([(f"# Title {text}", []), (f"print({text!r})", [])])
        nb.cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout",
                                                      text=f"{text}\n")]
        for i, cell in enumerate(nb.cells):
            cell.id = f"cell-{i}"  # not random, so two exports can be compared
        return nb

    pairs = report.local_paths(_paths(tmp_path))
    page = {}
    for n, (text, keep) in enumerate((("tok_one", False), ("tok_two", True),
                                      ("tok_three", False), ("tok_one", False))):
        html, *_ = report.export_html(executed(text), f"0{n}_x", tmp_path / str(n), pairs,
                                      keep_code=keep)
        page[n] = html.read_text()
    assert report._html_exporter(False) is report._html_exporter(False)
    assert report._html_exporter(True) is not report._html_exporter(False)
    assert code_cells_shown(page[1]) == 1 and code_cells_shown(page[2]) == 0
    assert "tok_two" in page[1] and "tok_two" not in page[2] and "tok_one" not in page[2]
    assert page[3] == page[0]  # the same notebook exported again: the same page
