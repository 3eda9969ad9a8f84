from django.urls import path

from broadsheet.pwa import views

app_name = "pwa"
urlpatterns = [
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("icons/icon-<int:size>.png", views.icon, name="icon"),
    path("icons/maskable.png", views.icon, {"maskable": True}, name="maskable_icon"),
    path("offline/", views.offline, name="offline"),
    path("saved/", views.saved, name="saved"),
]
