"""The house style in Jupyter: later plain figures keep displaying; seaborn palettes."""
from __future__ import annotations

import matplotlib as mpl
import pytest

from repstats.plots.style import COLORS, categorical_colors, use_style


def test_use_style_keeps_interactive_mode_switched_on_inside_it():
    before = mpl.is_interactive()
    try:
        mpl.interactive(False)
        with use_style():
            mpl.interactive(True)  # what the inline backend does on the first figure
        assert mpl.is_interactive()
        with use_style():
            assert mpl.rcParams["savefig.dpi"] == 300
    finally:
        mpl.interactive(before)


def test_categorical_colors_never_repeat():
    assert categorical_colors(3) == COLORS[:3]
    many = categorical_colors(14)
    assert len(set(many)) == 14
    with pytest.raises(ValueError):
        categorical_colors(-1)


def _notebook(*sources):
    import nbformat  # here: at module level every worker's collection pays

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    return nb


@pytest.mark.slow
@pytest.mark.parametrize("first", [
    "import pandas as pd\nfrom repstats import plots\n"
    "d = pd.DataFrame({'category': ['a', 'b'] * 2, 'year': [2020, 2020, 2021, 2021],"
    " 'persons': [1, 2, 3, 4]})\nplots.category_heatmap(d)",
    "import matplotlib.pyplot as plt\nfrom repstats.plots import use_style\n"
    "with use_style():\n    fig, ax = plt.subplots()\n    ax.plot([1, 2])",
], ids=["repstats-chart", "use_style-block"])
def test_plain_pandas_plot_displays_after_a_repstats_chart(first, monkeypatch):
    """As in Jupyter: a repstats chart (or the docstring's ``with use_style():`` example)
    first, then a plain pandas plot; both images must be in the outputs."""
    from nbclient import NotebookClient

    monkeypatch.delenv("MPLBACKEND", raising=False)
    nb = _notebook(first, "import pandas as pd\npd.Series([3, 1, 2]).plot()",
                   "import matplotlib.pyplot as plt\nprint(plt.isinteractive())")
    NotebookClient(nb, kernel_name="python3", timeout=120).execute()
    images = [i for i, c in enumerate(nb.cells) for o in c.outputs
              if "image/png" in o.get("data", {})]
    assert images == [0, 1]
    assert nb.cells[2].outputs[0]["text"].strip() == "True"
