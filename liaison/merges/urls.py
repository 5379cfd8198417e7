"""Merge pages."""

from django.urls import path

from liaison.merges import views

app_name = "merges"
urlpatterns = [
    path("", views.merge_list_view, name="list"),
    path("new/", views.merge_new, name="new"),
    path("<int:merge_id>/", views.merge_detail, name="detail"),
    path("<int:merge_id>/undo/", views.merge_undo_view, name="undo"),
]
