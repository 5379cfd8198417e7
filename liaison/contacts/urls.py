"""Contact pages."""

from django.urls import path, register_converter

from liaison.contacts import views
from liaison.relations.converters import KindConverter

register_converter(KindConverter, "kind")

app_name = "contacts"
urlpatterns = [
    path("", views.contact_list_view, name="list"),
    path("new/", views.contact_new, name="new"),
    path("companies/", views.contact_companies, name="companies"),
    path("<str:number>/", views.contact_detail, name="detail"),
    path("<str:number>/edit/", views.contact_edit, name="edit"),
    path("<str:number>/delete/", views.contact_delete_view, name="delete"),
    path("<str:number>/create/<kind:kind>/", views.contact_create_record, name="create_record"),
    path("<str:number>/link/<kind:kind>/", views.contact_link, name="link"),
    path("<str:number>/unlink/<kind:kind>/", views.contact_unlink, name="unlink"),
]
