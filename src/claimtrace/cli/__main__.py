"""``python -m claimtrace.cli``: the ``claimtrace`` command."""

import sys

from claimtrace.cli import main

sys.exit(main())
