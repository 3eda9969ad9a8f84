"""The operations endpoints. OperationsMiddleware answers them ahead of the
rest of the middleware; these routes name them (and answer them if that
middleware is left out)."""

from django.urls import path

from broadsheet.operations import views

app_name = "operations"
urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("metrics", views.metrics_view, name="metrics"),
]
