from django.urls import path

from broadsheet.search import views

app_name = "search"

urlpatterns = [
    path("search/", views.search, name="results"),
    path("search/suggest.json", views.suggest, name="suggest"),
    path("opensearch.xml", views.opensearch, name="opensearch"),
]
