"""History pages."""

from django.urls import path

from liaison.audit import views

app_name = "audit"
urlpatterns = [
    path("<str:kind_path>/<str:number>/", views.history, name="history"),
]
