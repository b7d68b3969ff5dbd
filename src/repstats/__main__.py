"""``python -m repstats``: the command line (see :mod:`repstats.cli`)."""
import sys

from repstats.cli import main

sys.exit(main())
