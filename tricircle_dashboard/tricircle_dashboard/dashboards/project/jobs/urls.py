from django.urls import re_path

from tricircle_dashboard.dashboards.project.jobs import views

urlpatterns = [
    re_path(r"^$", views.IndexView.as_view(), name="index"),
    re_path(r"^(?P<job_id>[^/]+)/$", views.DetailView.as_view(), name="detail"),
]
