from django.urls import path

from broadsheet.privacy import views

app_name = "privacy"
urlpatterns = [
    path("privacy/", views.policy, name="policy"),
    path("privacy/choices/", views.choices, name="choices"),
]
