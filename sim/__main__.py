"""``python -m sim``: the race-replay command line."""

import sys

from sim.entry import main

sys.exit(main())
