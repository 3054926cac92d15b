"""``python -m recipekit`` runs the command line."""

import sys

from recipekit.cli import main

sys.exit(main())
