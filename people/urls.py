from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    path("countries/", views.CountryListView.as_view(), name="countries"),
    path("countries/<str:code>/", views.CountryDetailView.as_view(), name="country"),
    path("officials/<slug:slug>/", views.OfficialDetailView.as_view(), name="official"),
]
