from django.urls import path

from . import views

app_name = "second_factor"
urlpatterns = [
    path("", views.verify_code, name="verify"),
    path("set-up/", views.set_up, name="set_up"),
]
