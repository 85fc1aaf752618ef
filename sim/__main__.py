"""``python -m sim``: the race-replay command line."""

import sys

from sim.cli import main

sys.exit(main())
