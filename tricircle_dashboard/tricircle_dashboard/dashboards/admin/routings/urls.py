from django.urls import re_path

from tricircle_dashboard.dashboards.admin.routings import views

urlpatterns = [re_path(r"^$", views.IndexView.as_view(), name="index")]
