import gc
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from dientap.exercises.sse import get_asgi_application  # noqa: E402 - after the settings module

application = get_asgi_application()

# Garbage collection: a process holding a thousand open streams tracks some 300,000 objects,
# and a full collection then stops its one event loop for 100-200 ms, enough to delay an event
# to every console past the 250 ms target. The objects that exist now (modules, settings,
# URL patterns) live as long as the process: leave them out of every collection. And collect
# the youngest generation after 50,000 allocations rather than 700: the thousand streams'
# objects of one in-flight event are then rarely caught alive and promoted, so the older
# generations fill, and are collected, far less often (a few MB more garbage at most).
gc.collect()
gc.freeze()
gc.set_threshold(50_000, 20, 10)
