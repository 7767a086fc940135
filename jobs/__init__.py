"""The background work of a bot process: the loop that keeps draws current (``jobs.loop``),
reconciling tickets whose booking was left unknown (``jobs.reconcile``) and fetching results
from the provider after each draw (``jobs.results_feed``). The senders (the broadcast queue's
worker and the outbox's deliverer) run beside them, started in ``bot.runtime``."""
