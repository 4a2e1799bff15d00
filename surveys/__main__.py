"""``python -m surveys check PATH...``."""

import sys

from surveys.cli import main

sys.exit(main())
