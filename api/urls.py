from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from . import exports, views

app_name = "api"

router = DefaultRouter()
router.include_format_suffixes = False
router.register("releases", views.ReleaseViewSet, basename="release")
router.register("meetings", views.MeetingViewSet, basename="meeting")
router.register("agreements", views.AgreementViewSet, basename="agreement")
router.register("countries", views.CountryViewSet, basename="country")
router.register("officials", views.OfficialViewSet, basename="official")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("meetings.csv", exports.MeetingsCsvView.as_view(), name="meetings-csv"),
    path("agreements.csv", exports.AgreementsCsvView.as_view(), name="agreements-csv"),
    *router.urls,
    re_path(r"", views.not_found),
]
