"""Execute the notebooks and write HTML reports with their figures.

``run_reports(paths)`` executes every ``notebooks/NN_*.ipynb`` in order with nbclient, in
the notebooks folder, with the data paths passed as parameters: a cell tagged
``parameters`` is followed by an injected cell setting ``RAW_DIR``, ``PROCESSED_DIR`` and
``REPORTS_DIR`` (the same values are also exported as ``REPSTATS_RAW`` etc. to the kernel's
environment, so ``repstats.config.paths()`` agrees). Each notebook becomes
``reports/<name>.html`` and every PNG figure it shows ``reports/figures/<name>_cNN_K.png``.
A failing cell fails the whole command with an error naming the notebook and the cell.
"""
from __future__ import annotations

import base64
import os
from pathlib import Path

from .config import Paths
from .errors import RepstatsError
from .io import write_bytes, write_text


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


def _inject_parameters(nb, params: dict) -> None:
    import nbformat

    src = "# Parameters injected by `repstats report`\n" + "\n".join(
        f"{k} = {str(v)!r}" for k, v in params.items())
    cell = nbformat.v4.new_code_cell(src, metadata={"tags": ["injected-parameters"]})
    idx = next((i for i, c in enumerate(nb.cells)
                if "parameters" in c.get("metadata", {}).get("tags", [])), None)
    nb.cells.insert(0 if idx is None else idx + 1, cell)


def execute_notebook(path: Path, params: dict, timeout: int = 600, kernel_name="python3"):
    """Execute one notebook and return it; raises :class:`NotebookError` naming the cell."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.read(path, as_version=4)
    _inject_parameters(nb, params)
    client = NotebookClient(nb, timeout=timeout, kernel_name=kernel_name,
                            resources={"metadata": {"path": str(path.parent)}})
    try:
        client.execute()
    except CellExecutionError as exc:
        failing = next((i for i, c in enumerate(nb.cells) if c.cell_type == "code" and any(
            o.get("output_type") == "error" for o in c.get("outputs", []))), None)
        where = "unknown cell"
        if failing is not None:
            first = nb.cells[failing].source.strip().splitlines()[:1]
            where = f"cell {failing} ({first[0][:80] if first else 'empty'})"
        summary = str(exc).strip().splitlines()
        raise NotebookError(f"notebook {path.name} failed at {where}: "
                            f"{summary[-1] if summary else exc}") from exc
    return nb


def _export(nb, name: str, reports_dir: Path) -> list[Path]:
    from nbconvert import HTMLExporter

    html, _ = HTMLExporter().from_notebook_node(nb)
    written = [write_text(reports_dir / f"{name}.html", html)]
    for ci, cell in enumerate(nb.cells):
        k = 0
        for out in cell.get("outputs", []):
            png = out.get("data", {}).get("image/png") if hasattr(out, "get") else None
            if png:
                k += 1
                written.append(write_bytes(reports_dir / "figures" / f"{name}_c{ci:02d}_{k}.png",
                                           base64.b64decode(png)))
    return written


def run_reports(p: Paths, names=None, timeout: int = 600, log=print) -> list[Path]:
    """Execute notebooks (all by default) and write HTML + PNG into ``p.reports``."""
    params = {"RAW_DIR": str(p.raw), "PROCESSED_DIR": str(p.processed),
              "REPORTS_DIR": str(p.reports)}
    env_backup = {k: os.environ.get(k) for k in
                  ("REPSTATS_RAW", "REPSTATS_PROCESSED", "REPSTATS_REPORTS")}
    os.environ.update({"REPSTATS_RAW": params["RAW_DIR"],
                       "REPSTATS_PROCESSED": params["PROCESSED_DIR"],
                       "REPSTATS_REPORTS": params["REPORTS_DIR"]})
    written: list[Path] = []
    try:
        files = notebook_files(p.notebooks, names)
        if not files:
            raise ValueError(f"no notebooks (NN_name.ipynb) found in {p.notebooks}")
        for nb_path in files:
            nb = execute_notebook(nb_path, params, timeout=timeout)
            out = _export(nb, nb_path.stem, p.reports)
            written += out
            log(f"[report] {nb_path.name} -> {out[0]} ({len(out) - 1} figure(s))")
    finally:
        for k, v in env_backup.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return written
