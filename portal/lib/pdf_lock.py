"""One PDF layout at a time in a process.

WeasyPrint's text layout (Pango, HarfBuzz, fontconfig) is not safe to run from several threads at
once: two letter chunks laid out together in a thread-pool worker crashed the process ("double
free or corruption"). Production workers are prefork processes, where this lock is never contended;
the development worker (`make run`) and the tests' worker run threads, and serialise layout here.
"""

import threading

LAYOUT = threading.RLock()
