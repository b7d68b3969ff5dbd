"""Execute the notebooks and write HTML reports for readers, with their figures.

``run_reports(paths)`` executes every ``NN_name.ipynb`` of ``paths.notebooks`` (the
checkout's ``notebooks/``, or the copies shipped inside the package) in order with nbclient,
then writes ``<reports>/<name>.html`` and each figure as ``<reports>/figures/<name>_figNN_
<caption words>.png`` (at twice the screen resolution; figure files of that notebook left by
an earlier run and not written again are deleted). The reports are meant to be shared:

- **code is hidden** (``keep_code=True``, the CLI's ``--keep-code``, shows it); the notebooks
  stay the place to read it;
- **parameter cells are removed**: the cell tagged ``parameters`` and the injected cell
  that follows it (``RAW_DIR``, ``PROCESSED_DIR``, ``REPORTS_DIR``; the same values are
  exported to the kernel as ``REPSTATS_RAW`` etc., so ``repstats.config.paths()`` agrees);
- **no local path**: every absolute path of this machine in an output (data folders, home,
  Python installation, temporary folder) is replaced by a placeholder such as
  ``<processed>`` or ``~``;
- **the first screen is the claim and its answer**: the title (first cell), the cells
  tagged ``summary`` (moved up), and the opening cells before the first ``##`` heading
  come first; then a table of contents built from the ``##``/``###`` headings;
- **captions as text**: every figure gets a caption below it (``Figure N.`` and the figure's
  title and source line), also used as the image's alt text.

Progress is logged (``logging``, logger ``repstats.report``) per notebook and per section
(a ``##`` heading starts a section). A failing cell fails the whole command with an error
naming the notebook and the cell; nothing is written for that notebook.

Tags understood in notebooks: ``parameters`` (removed), ``summary`` (moved to the top),
``remove-cell`` (executed, not shown), ``remove-input`` (output shown without code even
with ``keep_code``).
"""
from __future__ import annotations

import base64
import contextlib
import functools
import html
import logging
import os
import re
import sys
import sysconfig
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

from .config import Paths
from .errors import RepstatsError
from .io import write_bytes, write_text

log = logging.getLogger(__name__)

REMOVED_TAGS = ("parameters", "injected-parameters", "repstats-setup", "remove-cell")
SETUP_SOURCE = "import repstats.report as _r\n_r.kernel_setup()\ndel _r"


class NotebookError(RepstatsError):
    """A notebook cell raised while the report was being executed."""


def notebook_files(notebooks_dir: Path, names=None) -> list[Path]:
    """Notebooks to run, in file-name order; ``names`` may omit the ``.ipynb`` suffix."""
    found = sorted(p for p in Path(notebooks_dir).glob("[0-9][0-9]_*.ipynb"))
    if not names:
        return found
    by_name = {p.stem: p for p in found}
    wanted = []
    for n in names:
        stem = Path(n).stem
        if stem not in by_name:
            raise ValueError(f"no notebook {n!r} in {notebooks_dir}; have {sorted(by_name)}")
        wanted.append(by_name[stem])
    return wanted


# ------------------------------------------------------------------ inside the kernel
def figure_caption(fig) -> str:
    """A figure's caption: its title (suptitle, else the axes titles) and its source line."""
    parts = []
    sup = getattr(fig, "_suptitle", None)
    titles = [sup.get_text()] if sup is not None and sup.get_text().strip() else [
        ax.get_title() or ax.get_title("left") for ax in fig.get_axes()]
    titles = [" ".join(t.split()) for t in titles if t and t.strip()]  # wrapped titles
    if titles:
        parts.append("; ".join(dict.fromkeys(titles)))
    # the suptitle is one of fig.texts too: not repeated; text not drawn is no caption
    texts = [t.get_text().strip() for t in fig.texts
             if t is not sup and t.get_visible() and t.get_text().strip()]
    parts += [" ".join(t.split()) for t in texts]
    text = ". ".join(p.rstrip(".") for p in parts)
    return text + "." if text else ""


#: zlib level of the figures' PNG files. PNG is lossless, so the level changes only the
#: file size, never a pixel: 1 encodes the report's figures in about 60 % of the CPU time
#: of Pillow's default (6) for files about 14 % larger.
PNG_COMPRESS_LEVEL = 1


def _text_beyond_canvas(fig, renderer) -> bool:
    """True when a title, axis label, legend or text of ``fig``, as just drawn by
    ``renderer``, reaches past the figure's edges (by more than a pixel)."""
    artists = [*fig.texts, *fig.legends]
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        artists += [ax.title, *ax.texts, ax.get_legend(),
                    getattr(ax, "_left_title", None), getattr(ax, "_right_title", None)]
        if ax.axison:
            artists += [ax.xaxis.label, ax.yaxis.label]
    canvas = fig.bbox
    for artist in artists:
        if artist is None or not artist.get_visible():
            continue
        if hasattr(artist, "get_text") and not artist.get_text().strip():
            continue
        box = artist.get_window_extent(renderer)
        if (box.x0 < canvas.x0 - 1 or box.y0 < canvas.y0 - 1 or box.x1 > canvas.x1 + 1
                or box.y1 > canvas.y1 + 1):
            return True
    return False


def figure_png(fig):
    """A figure as the report shows and saves it: PNG at twice the figure's resolution,
    compressed at :data:`PNG_COMPRESS_LEVEL`, as ``(base64 text, {"width", "height"})``
    (``None`` for a figure with nothing in it), the image/png formatter's output.

    The figure is drawn at its own size, not cropped to its content: the inline
    backend's default crop (``bbox_inches="tight"``) lays every figure out and measures
    its text once more before drawing it (about 8 % of the report's CPU time). The
    charts keep their content inside the canvas (constrained or tight layout; titles and
    source captions wrapped to the figure's width by
    :func:`repstats.plots.style.wrap_to_width`); when a title, label, legend or
    text of a figure reaches past its edges anyway, it is drawn again with the crop, so
    nothing is ever cut off.
    """
    from IPython.core.pylabtools import retina_figure

    kwargs = {"base64": True, "pil_kwargs": {"compress_level": PNG_COMPRESS_LEVEL}}
    beyond = []
    cid = fig.canvas.mpl_connect(
        "draw_event", lambda event: beyond.append(_text_beyond_canvas(fig, event.renderer)))
    try:
        png = retina_figure(fig, bbox_inches=None, **kwargs)
    finally:
        fig.canvas.mpl_disconnect(cid)
    if png is not None and any(beyond):
        png = retina_figure(fig, bbox_inches="tight", **kwargs)
    return png


def kernel_setup() -> None:
    """Run first in the report's kernel: figures as :func:`figure_png` gives them (each
    drawn and encoded by the inline backend's display, once unless text would be cut; the
    runner saves those same bytes as the figure files), and a figure's text
    representation set to its caption (the runner prints it as text)."""
    from IPython import get_ipython
    from matplotlib.figure import Figure

    ip = get_ipython()
    if ip is None:
        return
    import matplotlib.pyplot as plt

    # activate the inline backend now: activating it resets every Figure formatter
    plt.close(plt.figure())

    def _caption(fig, p, cycle):
        p.text(figure_caption(fig) or f"<Figure with {len(fig.get_axes())} Axes>")

    ip.display_formatter.formatters["image/png"].for_type(Figure, figure_png)
    ip.display_formatter.formatters["text/plain"].for_type(Figure, _caption)


# ------------------------------------------------------------------ preparing notebooks
def _tags(cell) -> list:
    return list(cell.get("metadata", {}).get("tags", []))


def _prepare(nb, params: dict) -> None:
    """Inject the setup cell (first) and the parameters (after the ``parameters`` cell)."""
    import nbformat

    src = "# Parameters injected by `repstats report`\n" + "\n".join(
        f"{k} = {str(v)!r}" for k, v in params.items())
    cell = nbformat.v4.new_code_cell(src, metadata={"tags": ["injected-parameters"]})
    idx = next((i for i, c in enumerate(nb.cells) if "parameters" in _tags(c)), None)
    nb.cells.insert(0 if idx is None else idx + 1, cell)
    nb.cells.insert(0, nbformat.v4.new_code_cell(SETUP_SOURCE,
                                                 metadata={"tags": ["repstats-setup"]}))


_HEADING = re.compile(r"^(#{1,3})\s+(.+?)\s*#*\s*$", re.MULTILINE)


def _headings(source: str) -> list[tuple[int, str]]:
    out, fence = [], False
    for line in source.splitlines():
        if line.lstrip().startswith("```"):
            fence = not fence
        m = _HEADING.match(line)
        if m and not fence:
            out.append((len(m.group(1)), m.group(2)))
    return out


def _plain(markdown: str) -> str:
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    return re.sub(r"[*_`]", "", text).strip()


def _anchor(text: str) -> str:
    # the id nbconvert gives a heading (nbconvert.filters.strings._convert_header_id)
    return quote(_plain(text).replace(" ", "-"), safe="?/:@!$&'()*+,;=")


def sections(nb) -> list[tuple[int, str]]:
    """``(first cell index, title)`` of each section: cells up to a ``#``/``##`` heading."""
    out = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            heads = [t for level, t in _headings(cell.source) if level <= 2]
            if heads:
                out.append((i, _plain(heads[0])))
    return out


def _table_of_contents(nb):
    import nbformat

    lines = []
    for cell in nb.cells:
        if cell.cell_type != "markdown" or "summary" in _tags(cell):
            continue
        for level, text in _headings(cell.source):
            if level in (2, 3):
                indent = "  " * (level - 2)
                # raw HTML: a markdown link would percent-encode the anchor again
                lines.append(f'{indent}- <a href="#{html.escape(_anchor(text))}">'
                             f"{html.escape(_plain(text))}</a>")
    if not lines:
        return None
    return nbformat.v4.new_markdown_cell("**Contents**\n\n" + "\n".join(lines),
                                         metadata={"tags": ["toc"]})


def _reorder_for_readers(nb) -> None:
    """Title, then the cells tagged ``summary``, then the opening (the cells before the
    first ``##`` heading: the claim and its computed answer), then the table of contents,
    then the sections. Removed cells (parameters, setup, ``remove-cell``) are dropped."""
    cells = [c for c in nb.cells if not set(_tags(c)) & set(REMOVED_TAGS)]
    if not cells:
        nb.cells = []
        return
    title, rest = cells[0], cells[1:]
    summary = [c for c in rest if "summary" in _tags(c)]
    rest = [c for c in rest if "summary" not in _tags(c)]
    first = next((i for i, c in enumerate(rest) if c.cell_type == "markdown" and any(
        level == 2 for level, _ in _headings(c.source))), len(rest))
    toc = _table_of_contents(nb.__class__(nb, cells=rest))
    nb.cells = [title, *summary, *rest[:first], *([toc] if toc is not None else []),
                *rest[first:]]


# ------------------------------------------------------------------ no local paths
def local_paths(p: Paths) -> list[tuple[str, str]]:
    """``(absolute path, placeholder)`` pairs scrubbed from reports, longest first."""
    pairs = [(p.raw, "<raw>"), (p.processed, "<processed>"), (p.reports, "<reports>"),
             (p.notebooks, "<notebooks>"), (p.root, "<root>"),
             (Path(__file__).resolve().parent, "<repstats>")]
    if p.mirror is not None:
        pairs.append((p.mirror, "<mirror>"))
    for key in ("purelib", "platlib", "stdlib", "platstdlib"):
        with_key = sysconfig.get_paths().get(key)
        if with_key:
            pairs.append((Path(with_key), "<python>"))
    pairs += [(Path(sys.prefix), "<python>"), (Path(sys.exec_prefix), "<python>"),
              (Path(tempfile.gettempdir()), "<tmp>"), (Path.home(), "~")]
    out, seen = [], set()
    for path, label in pairs:
        for variant in {str(path), str(Path(path).resolve())}:
            if len(variant) > 1 and variant not in seen:
                seen.add(variant)
                out.append((variant, label))
    return sorted(out, key=lambda x: -len(x[0]))


def scrub(text: str, pairs) -> str:
    """Replace every path of ``pairs`` in ``text`` by its placeholder."""
    for path, label in pairs:
        if path in text:
            text = text.replace(path, label)
    return text


def _scrub_outputs(nb, pairs) -> None:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = scrub(cell.source, pairs)
            continue
        if cell.cell_type != "code":
            continue
        cell.source = scrub(cell.source, pairs)
        for out in cell.get("outputs", []):
            if "text" in out:
                out["text"] = scrub(out["text"], pairs)
            if "traceback" in out:
                out["traceback"] = [scrub(t, pairs) for t in out["traceback"]]
            for mime, value in list(out.get("data", {}).items()):
                if mime.startswith("text/") or mime.endswith("json"):
                    out["data"][mime] = (scrub(value, pairs) if isinstance(value, str)
                                         else value)


# ------------------------------------------------------------------ figures and captions
def _slug(text: str, words: int = 8) -> str:
    title = re.split(r"\.\s+Source:", text)[0]
    tokens = re.findall(r"[a-z0-9]+", title.lower())
    return "_".join(tokens[:words]) or "figure"


def _figure_file(name: str, n: int, caption: str) -> str:
    """Figure ``n``'s file name: ``<name>_figNN_<words of the caption>.png``."""
    return f"{name}_fig{n:02d}_{_slug(caption)}.png"


def _is_figure_file(name: str, filename: str) -> bool:
    """Whether ``filename`` is named as :func:`_figure_file` names this notebook's figures."""
    return re.fullmatch(rf"{re.escape(name)}_fig\d{{2}}_.*\.png", filename) is not None


def _caption_figures(nb, name: str):
    """Number the figures, put each caption below its image; return the figure files."""
    import nbformat

    figures, n = [], 0
    for cell in nb.cells:
        outputs = cell.get("outputs", [])
        new = []
        for out in outputs:
            new.append(out)
            png = out.get("data", {}).get("image/png")
            if not png:
                continue
            n += 1
            plain = out["data"].get("text/plain", "")
            caption = "" if plain.startswith("<Figure") else " ".join(plain.split())
            out["data"]["text/plain"] = caption or f"Figure {n}"
            out.setdefault("metadata", {}).setdefault("image/png", {})["alt"] = (
                f"Figure {n}. {caption}".strip())
            figures.append((_figure_file(name, n, caption), png,
                            f"Figure {n}. {caption}".strip()))
            new.append(nbformat.v4.new_output(
                "display_data", data={"text/html": (
                    f'<p class="repstats-caption"><b>Figure {n}.</b> '
                    f"{html.escape(caption)}</p>")}))
        if outputs:
            cell["outputs"] = new
    return figures


def _add_alt_text(page: str, figures) -> str:
    captions = {png.replace("\n", "").strip(): caption for _file, png, caption in figures}

    def one(match):
        tag = match.group(0)
        src = re.search(r'src="data:image/png;base64,([^"]+)"', tag)
        caption = captions.get(src.group(1)) if src else None
        if caption is None:
            return tag
        tag = re.sub(r'\salt="[^"]*"', "", tag)
        return tag.replace("<img", f'<img alt="{html.escape(caption)}"', 1)

    return re.sub(r"<img\s[^>]*>", one, page)


# ------------------------------------------------------------------ executing
def _kernel_manager(kernel_name: str, sockets: Path | None = None):
    """A kernel manager whose kernel runs this Python (this environment's repstats), not
    whatever a user-wide ``python3`` kernel spec points to.

    With ``sockets`` (a private folder), the kernel talks over Unix sockets in it instead
    of unencrypted TCP ports on localhost, which any local user could connect to and read
    (the notebooks print data on named people)."""
    from ipykernel.kernelspec import KERNEL_NAME, RESOURCES, get_kernel_dict
    from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
    from jupyter_client.manager import KernelManager

    class ThisPython(KernelSpecManager):
        def get_kernel_spec(self, name):
            if name == KERNEL_NAME:
                return KernelSpec(resource_dir=RESOURCES, **get_kernel_dict())
            return super().get_kernel_spec(name)

    ipc = {} if sockets is None else {"transport": "ipc", "ip": str(sockets / "kernel")}
    return KernelManager(kernel_name=kernel_name, kernel_spec_manager=ThisPython(), **ipc)


def execute_notebook(path: Path, params: dict, timeout: int = 600, kernel_name="python3",
                     cwd: Path | None = None):
    """Execute one notebook (with the setup and parameter cells injected) and return it.

    Logs one line per section as it starts; raises :class:`NotebookError` naming the cell.
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.read(path, as_version=4)
    _prepare(nb, params)
    starts = dict(sections(nb))
    total = len(starts)
    order = {i: k + 1 for k, i in enumerate(starts)}

    def on_cell_start(cell, cell_index, **_):
        if cell_index in starts:
            log.info("  %s: section %d of %d: %s", path.stem, order[cell_index], total,
                     starts[cell_index])

    # Unix sockets in a folder only this user can open (mkdtemp: mode 0700) where there
    # are Unix sockets; elsewhere jupyter's default, TCP on localhost
    private = (tempfile.TemporaryDirectory(prefix="repstats-kernel-") if os.name == "posix"
               else contextlib.nullcontext())
    try:
        with private as sockets:
            client = NotebookClient(
                nb, km=_kernel_manager(kernel_name, Path(sockets) if sockets else None),
                timeout=timeout, kernel_name=kernel_name,
                resources={"metadata": {"path": str(cwd or path.parent)}},
                on_cell_start=on_cell_start)
            # the kernel manager is ours, so nbclient would leave the kernel running (it
            # shuts down only kernels it created): stopped here, failed or not
            client.execute(cleanup_kc=True)
    except CellExecutionError as exc:
        failing = next((i for i, c in enumerate(nb.cells) if c.cell_type == "code" and any(
            o.get("output_type") == "error" for o in c.get("outputs", []))), None)
        where = "unknown cell"
        if failing is not None:
            first = nb.cells[failing].source.strip().splitlines()[:1]
            # numbered from 1 as in the notebook file (the injected cells do not count)
            number = 1 + sum(1 for c in nb.cells[:failing] if not set(_tags(c)) & {
                "repstats-setup", "injected-parameters"})
            where = f"cell {number} ({first[0][:80] if first else 'empty'})"
        summary = re.sub(r"\x1b\[[0-9;]*m", "", str(exc)).strip().splitlines()
        raise NotebookError(f"notebook {path.name} failed at {where}: "
                            f"{summary[-1] if summary else exc}") from exc
    return nb


def export_html(nb, name: str, reports_dir: Path, pairs, keep_code: bool = False
                ) -> list[Path]:
    """Write ``<reports_dir>/<name>.html`` and its figures for readers (see the module
    docstring); returns the files written, the HTML first."""
    _reorder_for_readers(nb)
    _scrub_outputs(nb, pairs)
    figures = _caption_figures(nb, name)
    page, _ = _html_exporter(bool(keep_code)).from_notebook_node(
        nb, resources={"metadata": {"name": _title(nb, name)}})
    page = scrub(_add_alt_text(page, figures), pairs)
    written = [write_text(reports_dir / f"{name}.html", page)]
    for fname, png, _caption in figures:
        written.append(write_bytes(reports_dir / "figures" / fname, base64.b64decode(png)))
    _remove_stale_figures(reports_dir / "figures", name, {f for f, _png, _c in figures})
    return written


@functools.lru_cache(maxsize=2)
def _html_exporter(keep_code: bool):
    """The HTML exporter, made once per ``keep_code`` and reused for every notebook (as
    ``jupyter nbconvert`` does for several notebooks): a new one loads and compiles its
    page templates again, about a quarter of a second each time."""
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import CoalesceStreamsPreprocessor

    exporter = HTMLExporter(exclude_input=not keep_code, exclude_input_prompt=True,
                            exclude_output_prompt=True)
    exporter.register_preprocessor(_remove_input_preprocessor(), enabled=True)
    # one print can reach the runner as two stream messages (the kernel flushes between
    # the text and its newline on a busy machine): joined, as a reader sees them
    exporter.register_preprocessor(CoalesceStreamsPreprocessor(), enabled=True)
    return exporter


def _remove_stale_figures(folder: Path, name: str, current: set) -> None:
    """Delete this notebook's figure files from an earlier run that this run did not write
    (a changed caption renames a file; a removed chart leaves one): a reader of the
    folder must not find a chart the report no longer shows. Only files named as this
    module names them (:func:`_figure_file`) are touched."""
    for old in folder.glob(f"{name}_fig*.png"):
        if _is_figure_file(name, old.name) and old.name not in current:
            old.unlink()


def _remove_input_preprocessor():
    from nbconvert.preprocessors import TagRemovePreprocessor

    pre = TagRemovePreprocessor(remove_input_tags={"remove-input"},
                                remove_cell_tags=set(REMOVED_TAGS))
    return pre


def _title(nb, default: str) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            heads = _headings(cell.source)
            if heads:
                return _plain(heads[0][1])
    return default


def default_jobs() -> int:
    """Notebooks run at once by default: one per CPU, at most 3 (the project's notebooks)."""
    return max(1, min(3, os.cpu_count() or 1))


def run_reports(p: Paths, names=None, timeout: int = 600, log=None,
                keep_code: bool = False, jobs: int | None = None) -> list[Path]:
    """Execute notebooks (all by default) and write HTML + PNG into ``p.reports``.

    Parameters
    ----------
    p : Paths
        Data folders; notebooks are read from ``p.notebooks``, reports go to ``p.reports``.
    names : list of str, optional
        Notebook names (``01_data_quality`` or with ``.ipynb``); default all.
    timeout : int
        Seconds allowed per cell.
    log : callable, optional
        Called with one line per notebook written (progress also goes to ``logging``).
    keep_code : bool
        Show the code cells in the HTML (hidden by default).
    jobs : int, optional
        Notebooks executed at once, each in its own kernel (default :func:`default_jobs`:
        one per CPU, at most 3; 1 runs them one after another). Reports are written in
        notebook order whatever order the notebooks finish in; the first failing notebook
        (in that order) is raised.

    Returns
    -------
    list of Path
        The files written: per notebook its HTML, then its figures.
    """
    logger = logging.getLogger(__name__)
    params = {"RAW_DIR": str(p.raw), "PROCESSED_DIR": str(p.processed),
              "REPORTS_DIR": str(p.reports)}
    env_keys = ("REPSTATS_RAW", "REPSTATS_PROCESSED", "REPSTATS_REPORTS", "MPLBACKEND")
    env_backup = {k: os.environ.get(k) for k in env_keys}
    os.environ.update({"REPSTATS_RAW": params["RAW_DIR"],
                       "REPSTATS_PROCESSED": params["PROCESSED_DIR"],
                       "REPSTATS_REPORTS": params["REPORTS_DIR"]})
    os.environ.pop("MPLBACKEND", None)  # the kernel's inline backend, not the caller's
    written: list[Path] = []
    pairs = local_paths(p)
    try:
        files = notebook_files(p.notebooks, names)
        if not files:
            raise ValueError(f"no notebooks (NN_name.ipynb) found in {p.notebooks}")
        p.reports.mkdir(parents=True, exist_ok=True)
        jobs = max(1, min(len(files), default_jobs() if jobs is None else jobs))

        def run(k, nb_path):
            logger.info("report %d of %d: executing %s", k, len(files), nb_path.name)
            return execute_notebook(nb_path, params, timeout=timeout, cwd=p.reports)

        with ThreadPoolExecutor(max_workers=jobs) as pool:  # kernels are processes
            futures = [pool.submit(run, k, f) for k, f in enumerate(files, 1)]
            try:
                for k, (nb_path, future) in enumerate(zip(files, futures), 1):
                    nb = future.result()
                    out = export_html(nb, nb_path.stem, p.reports, pairs,
                                      keep_code=keep_code)
                    written += out
                    line = f"report {k} of {len(files)}: {nb_path.stem} -> {out[0]} " \
                           f"({len(out) - 1} figure(s))"
                    logger.info(line)
                    if log is not None:
                        log(line)
            except BaseException:
                for future in futures:
                    future.cancel()  # notebooks not started yet are not run
                raise
    finally:
        for key, value in env_backup.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return written
