from django.urls import path

from broadsheet.comments import views
from broadsheet.core import converters  # noqa: F401  (registers <id:…>)

app_name = "comments"
urlpatterns = [
    path("comments/post/<id:article_id>/", views.post_comment, name="post"),
    path("comments/<id:pk>/reply/", views.reply, name="reply"),
    path("comments/<id:pk>/edit/", views.edit, name="edit"),
    path("comments/<id:pk>/delete/", views.delete, name="delete"),
    path("comments/<id:pk>/report/", views.report, name="report"),
]
