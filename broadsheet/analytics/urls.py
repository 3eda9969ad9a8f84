from django.urls import path

from broadsheet.analytics import views
from broadsheet.analytics.wsgi import BEACON_PATH

app_name = "analytics"

urlpatterns = [path(BEACON_PATH.removeprefix("/"), views.beacon, name="beacon")]
