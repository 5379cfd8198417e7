"""Duplicate pages, under /duplicates/."""

from django.urls import path

from liaison.duplicates import views

app_name = "duplicates"
urlpatterns = [
    path("", views.duplicate_list_view, name="list"),
    path("<int:pair_id>/separate/", views.duplicate_separate, name="separate"),
    path("candidates/", views.duplicate_candidates_view, name="candidates"),
    path("setup/", views.setup_rows_view, name="setup"),
    path("setup/new/", views.setup_row_new, name="setup_new"),
    path("setup/<int:row_id>/edit/", views.setup_row_edit, name="setup_edit"),
    path("setup/<int:row_id>/delete/", views.setup_row_delete, name="setup_delete"),
]
