from django.urls import path

from broadsheet.core import converters  # noqa: F401  (registers <id:…>)
from broadsheet.newsletter import views

app_name = "newsletter"
urlpatterns = [
    path("newsletters/", views.signup, name="signup"),
    path("newsletters/check-your-inbox/", views.check_inbox, name="check_inbox"),
    path("newsletters/confirm/<str:key>/", views.confirm, name="confirm"),
    path("newsletters/manage/<str:token>/", views.manage, name="manage"),
    path("newsletters/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("newsletters/member/", views.member_subscriptions, name="member"),
    path("newsletters/<slug:slug>/", views.archive, name="archive"),
    path("newsletters/<slug:slug>/<id:pk>/", views.issue_page, name="issue"),
]
