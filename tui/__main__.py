"""``python -m tui`` does what ``sorot`` does."""

import sys

from tui.cli import main

if __name__ == "__main__":
    sys.exit(main())
