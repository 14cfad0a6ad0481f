"""The site's URLs plus the benchmark's yardstick (bench/reference.py) at /bench/bare/."""

from django.urls import path

from bench.reference import bare_list
from config.urls import urlpatterns as site_urlpatterns

urlpatterns = [path("bench/bare/", bare_list), *site_urlpatterns]
