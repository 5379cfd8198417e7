"""Document pages."""

from django.urls import path

from liaison.documents import views

app_name = "documents"
urlpatterns = [
    path("setup/", views.setup_view, name="setup"),
    path("<str:side>/", views.document_list_view, name="list"),
    path("<str:side>/new/", views.document_new, name="new"),
    path("<str:side>/<str:number>/", views.document_detail, name="detail"),
    path("<str:side>/<str:number>/lines/", views.line_add, name="line_add"),
    path(
        "<str:side>/<str:number>/lines/<int:line_no>/delete/",
        views.line_delete,
        name="line_delete",
    ),
    path("<str:side>/<str:number>/make-order/", views.make_order, name="make_order"),
    path("<str:side>/<str:number>/template/", views.template_view, name="template"),
    path("<str:side>/<str:number>/contact/", views.contact_view, name="contact"),
    path("<str:side>/<str:number>/pdf/", views.preview, name="preview"),
    path("<str:side>/<str:number>/print/", views.print_view, name="print"),
    path("<str:side>/<str:number>/email/", views.email_view, name="email"),
    path("<str:side>/<str:number>/delete/", views.delete_view, name="delete"),
    path("<str:side>/<str:number>/<str:action>/", views.document_action, name="action"),
]
