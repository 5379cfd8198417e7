"""``python -m liaison.bench``: the child process each workload runs in (``--worker``)."""

import sys

from liaison.bench.runner import main

sys.exit(main())
