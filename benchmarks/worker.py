"""A benchmark worker process: ``harness.Worker`` starts this file with the interpreter of one
side (recipekit's, ModelOpt's, an anchor's) and sends it requests over a private pipe.

The protocol uses a duplicate of the original stdout; file descriptor 1 is pointed at
``/dev/null`` so whatever the measured code prints (ModelOpt's loader prints a line per call) is
discarded, as a user redirecting it would see, and cannot corrupt the replies.
"""

import os
import sys
from pathlib import Path

# The repository root replaces this script's folder on the path: benchmarks/*.py are imported as
# benchmarks.*, and must not shadow top-level modules of the same name (``profile``, ...).
sys.path[0] = str(Path(__file__).resolve().parent.parent)

from benchmarks.harness import serve  # noqa: E402

if __name__ == "__main__":
    replies = os.fdopen(os.dup(1), "wb")
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    sys.stdout = open(os.devnull, "w")  # noqa: SIM115 (lives as long as the process)
    serve(sys.stdin.buffer, replies)
