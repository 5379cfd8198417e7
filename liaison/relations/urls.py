"""Pages of customers, vendors and bank accounts."""

from django.urls import path

from liaison.relations import views

app_name = "records"
urlpatterns = [
    path("<str:kind_path>/", views.record_list, name="list"),
    path("<str:kind_path>/new/", views.record_new, name="new"),
    path("<str:kind_path>/<str:number>/", views.record_detail, name="detail"),
    path("<str:kind_path>/<str:number>/edit/", views.record_edit, name="edit"),
    path("<str:kind_path>/<str:number>/delete/", views.record_delete, name="delete"),
    path(
        "<str:kind_path>/<str:number>/create-contact/",
        views.record_create_contact,
        name="create_contact",
    ),
]
