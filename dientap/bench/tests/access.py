"""Access-matrix entries of the benchmark app: the floor page needs a log-in, nothing more."""

from dientap.api.tests.matrix import NONE, page

ENTRIES = {
    "bench:floor": page("auth", args=lambda o, w: {}, kinds=NONE),
}
