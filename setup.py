"""Ship the project's notebooks inside the package (``repstats/notebooks``).

The notebooks live in ``notebooks/`` at the top of the checkout (the project layout); the
wheel carries a copy so that ``repstats report`` works without a checkout. Everything else
is declared in ``pyproject.toml``.
"""
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent


class BuildPyWithNotebooks(build_py):
    def run(self):
        super().run()
        target = Path(self.build_lib) / "repstats" / "notebooks"
        target.mkdir(parents=True, exist_ok=True)
        for nb in sorted((HERE / "notebooks").glob("[0-9][0-9]_*.ipynb")):
            shutil.copyfile(nb, target / nb.name)


setup(cmdclass={"build_py": BuildPyWithNotebooks})
