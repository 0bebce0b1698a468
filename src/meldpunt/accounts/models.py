"""What the access rules keep: the rate limits' counters (:mod:`meldpunt.accounts.ratewindow`)."""

from django.db import models


class RateWindow(models.Model):
    """One caller's count in its current window of a rate limit (the API per user, a public
    form per address): when the window started and the calls in it so far. One row per
    caller, rewritten in place by a single statement per call."""

    ident = models.CharField(max_length=250, primary_key=True)
    started = models.FloatField()  # the start of the window, in seconds since the epoch
    hits = models.PositiveIntegerField(default=1)

    def __str__(self) -> str:
        return f"{self.ident}: {self.hits} since {self.started:.0f}"
