"""The benchmark's floor: an empty page through the same middleware and authentication."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def floor(request):
    """What every page costs before its own work: the latency floor of `dientap manage bench`."""
    return render(request, "bench/floor.html")
