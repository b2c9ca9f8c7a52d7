"""``python -m neurosim`` is the ``neurosim`` command."""

import sys

from .cli import main

sys.exit(main())
