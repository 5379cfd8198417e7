"""Pages of the batch jobs."""

from django.urls import path

from liaison.batch import views

app_name = "batch"
urlpatterns = [
    path("batch/", views.batch, name="batch"),
    path("batch/start/", views.batch_start, name="batch_start"),
    path("batch/jobs/<int:job_id>/", views.job_view, name="job"),
]
