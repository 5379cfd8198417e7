"""The start page: what this Liaison database holds, and the most recently changed contacts.

A summary page beside the lists and cards.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from liaison.selectors import overview


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Counts per record kind and the latest contacts with their business relation summary."""
    return render(request, "home.html", overview())


def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness probe for the server process."""
    return HttpResponse("ok", content_type="text/plain")
