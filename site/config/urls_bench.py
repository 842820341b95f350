"""Benchmark URLs: the site's own plus the two baselines every figure is compared to."""

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path

from .urls import urlpatterns as site_urlpatterns

BARE_BODY = b"x" * 100


def bare(request):
    """The cheapest Django response: 100 bytes, no template, no database."""
    return HttpResponse(BARE_BODY, content_type="text/plain")


def template_5kb(request):
    """A 5 KB template rendered without the database: what a page costs before any query."""
    return render(request, "bench/template_5kb.html", {"items": range(40), "title": "Baseline"})


urlpatterns = [path("bench/bare", bare), path("bench/template", template_5kb), *site_urlpatterns]
