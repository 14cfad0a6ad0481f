from django.urls import path

from . import calendar, views

app_name = "releases"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("releases/", views.ReleaseListView.as_view(), name="list"),
    path("releases/<slug:slug>/", views.ReleaseDetailView.as_view(), name="detail"),
    path("releases/<slug:slug>/pdf/", views.ReleasePDFView.as_view(), name="pdf"),
    path("meetings.ics", calendar.meeting_calendar, name="calendar"),
    path("agreements/", views.AgreementListView.as_view(), name="agreements"),
    path("agreements/<slug:slug>/", views.AgreementDetailView.as_view(), name="agreement"),
    path("countries/", views.CountryListView.as_view(), name="countries"),
    path("countries/<str:code>/", views.CountryDetailView.as_view(), name="country"),
    path("officials/<slug:slug>/", views.OfficialDetailView.as_view(), name="official"),
    path("events/", views.TopicalEventListView.as_view(), name="events"),
    path("events/<slug:slug>/", views.TopicalEventDetailView.as_view(), name="event"),
]
