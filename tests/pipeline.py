"""The test run's one real pipeline: the wheel, installed outside any checkout, runs
``repstats fetch``, ``build`` and ``report`` against the mirror.

Run once per test run in the background (``python tests/pipeline.py OUT [MIRROR]``, started
by ``tests/conftest.py`` at session start when the run selects the whole suite, otherwise as
soon as collection shows a test needs it), so that the two pytest-xdist workers run the unit
tests meanwhile. Steps, each recorded in ``OUT/<step>.json``
(``{"ok": ..., "returncode", "stdout", "stderr", "seconds"}``) when it ends:

``wheel``
    built offline (``pip wheel --no-build-isolation --no-deps``) from a copy of the sources
    (an in-tree ``build/`` folder may hold stale files), into ``OUT/dist``;
``venv``
    a fresh virtual environment ``OUT/venv`` with the wheel installed ``--no-deps``; it sees
    this environment's third-party packages through a ``.pth`` file (nothing downloaded);
``help``, ``fetch``, ``build``, ``report``
    the installed ``repstats`` run in the empty folder ``OUT/somewhere`` with ``HOME=OUT/home``
    and no ``REPSTATS_*`` variable but ``REPSTATS_MIRROR``: the data land in the data home
    ``OUT/home/.local/share/repstats``.

Without MIRROR only ``wheel`` and ``venv`` run. A failed step ends the pipeline; the steps
after it are recorded as not run. Tests read the outputs (``tests/conftest.py``'s ``built``
and ``reports_built`` fixtures, ``tests/test_installed.py``) and never write into them.
"""
from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STEPS = ("wheel", "venv", "help", "fetch", "build", "report")
#: the repstats command of each step run by the installed package
COMMANDS = {"help": ["fetch", "--help"], "fetch": ["fetch"], "build": ["build"],
            "report": ["report"]}


def data_home(out: Path) -> Path:
    """Where the installed package keeps raw data, tables and reports (platformdirs)."""
    return out / "home" / ".local" / "share" / "repstats"


def _cpu() -> float:
    """CPU seconds used so far by the processes this one started and waited for."""
    use = resource.getrusage(resource.RUSAGE_CHILDREN)
    return use.ru_utime + use.ru_stime


_CPU_AT_START = {}


def _record(out: Path, step: str, ok: bool, started: float, **fields) -> bool:
    record = {"ok": ok, "seconds": round(time.monotonic() - started, 1),
              "cpu_seconds": round(_cpu() - _CPU_AT_START.get(step, _cpu()), 1), **fields}
    tmp = out / f".{step}.json.part"
    tmp.write_text(json.dumps(record), encoding="utf-8")
    os.replace(tmp, out / f"{step}.json")  # waiting fixtures never read half a record
    return ok


def _command(cmd, **kwargs) -> dict:
    """Run ``cmd``; its outcome as the fields of a step record."""
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    except (OSError, subprocess.SubprocessError) as exc:
        return {"returncode": None, "stdout": "", "stderr": f"{type(exc).__name__}: {exc}",
                "command": [str(c) for c in cmd]}
    return {"returncode": r.returncode, "stdout": r.stdout, "stderr": r.stderr,
            "command": [str(c) for c in cmd]}


def _run(out: Path, step: str, cmd, **kwargs) -> bool:
    started = time.monotonic()
    done = _command(cmd, **kwargs)
    return _record(out, step, done["returncode"] == 0, started, **done)


def wheel(out: Path) -> bool:
    src = out / "sdist" / "repstats"
    src.mkdir(parents=True)
    for name in ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "LICENSE"):
        shutil.copy2(ROOT / name, src / name)
    shutil.copytree(ROOT / "notebooks", src / "notebooks")
    shutil.copytree(ROOT / "src", src / "src",
                    ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    dist = out / "dist"
    return _run(out, "wheel", [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                               "--no-build-isolation", "--wheel-dir", str(dist), str(src)],
                timeout=600)


def venv(out: Path) -> bool:
    (whl,) = (out / "dist").glob("repstats-*.whl")
    env_dir = out / "venv"
    started = time.monotonic()
    made = _command([sys.executable, "-m", "venv", "--without-pip", str(env_dir)],
                    timeout=120)
    if made["returncode"] != 0:
        return _record(out, "venv", False, started, **made)
    # install first: pip must not see this environment (nor its editable repstats)
    clean = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    installed = _command([sys.executable, "-m", "pip", "--python",
                          str(env_dir / "bin" / "python"), "install", "--quiet", "--no-deps",
                          "--no-index", str(whl)], timeout=300, env=clean)
    if installed["returncode"] != 0:
        return _record(out, "venv", False, started, **installed)
    site = next((env_dir / "lib").glob("python3*/site-packages"))
    # then give it this environment's third-party packages (a plain path: the .pth files
    # there, such as the editable install of the checkout, are not processed)
    dirs = dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])
    (site / "_project_env.pth").write_text("".join(f"{d}\n" for d in dirs))
    # ... and the data files their installation put in <prefix>/share/jupyter (nbconvert's
    # templates; also a python3 kernel spec for the other Python, which must not be used)
    shared = Path(sys.prefix) / "share" / "jupyter"
    if shared.is_dir():
        (env_dir / "share").mkdir(exist_ok=True)
        (env_dir / "share" / "jupyter").symlink_to(shared)
    return _record(out, "venv", True, started, **installed)


def environment(out: Path, mirror: Path) -> dict[str, str]:
    """The installed command's whole environment: its PATH, a HOME, a locale, the mirror."""
    bin_dir = out / "venv" / "bin"
    return {"PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
            "HOME": str(out / "home"), "LANG": "C.UTF-8", "REPSTATS_MIRROR": str(mirror)}


def main(argv: list[str]) -> int:
    out = Path(argv[0])
    mirror = Path(argv[1]) if len(argv) > 1 else None
    out.mkdir(parents=True, exist_ok=True)
    steps = STEPS if mirror is not None else STEPS[:2]
    for step in STEPS[len(steps):]:
        _record(out, step, False, time.monotonic(), returncode=None, stdout="",
                stderr="not run: no mirror")
    work = out / "somewhere"
    for k, step in enumerate(steps):
        _CPU_AT_START[step] = _cpu()
        if step == "wheel":
            ok = wheel(out)
        elif step == "venv":
            ok = venv(out)
        else:
            if step == "help":
                (out / "home").mkdir()
                work.mkdir()
            ok = _run(out, step, [str(out / "venv" / "bin" / "repstats"), *COMMANDS[step]],
                      cwd=work, env=environment(out, mirror), timeout=1800)
        if not ok:
            for later in steps[k + 1:]:
                _record(out, later, False, time.monotonic(), returncode=None, stdout="",
                        stderr=f"not run: step {step} failed")
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
