"""Setup pages."""

from django.urls import path

from liaison.relations import views

app_name = "setup"
urlpatterns = [
    path("", views.setup_index, name="index"),
    path("business-relations/", views.setup_relation_add, name="relation_add"),
]
