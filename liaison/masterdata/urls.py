"""Master data pages, under /setup/codes/<table>/."""

from django.urls import path

from liaison.masterdata import views

app_name = "masterdata"
urlpatterns = [
    path("options/<str:field>/", views.code_options_view, name="options"),
    path("post-code-fill/", views.post_code_fill_view, name="post_code_fill"),
    path("<str:table>/", views.code_list_view, name="list"),
    path("<str:table>/new/", views.code_new, name="new"),
    path("<str:table>/<str:key>/edit/", views.code_edit, name="edit"),
    path("<str:table>/<str:key>/delete/", views.code_delete_view, name="delete"),
]
