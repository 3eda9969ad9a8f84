from django.urls import path, re_path

from broadsheet.accounts import views

app_name = "accounts"
urlpatterns = [
    # Shadows Wagtail's own (wagtailcore_login): one sign-in for everyone.
    path("_util/login/", views.frontend_login, name="frontend_login"),
    path("accounts/profile/", views.profile, name="profile"),
    path("accounts/delete/", views.delete_account, name="delete"),
    path("members/<slug:handle>/", views.member_page, name="member"),
    re_path(
        r"^members/avatar/(?P<seed>[0-9a-f]{1,32})\.svg$", views.avatar, name="avatar"
    ),
]
