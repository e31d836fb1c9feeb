from django.urls import re_path

from tricircle_dashboard.dashboards.admin.bindings import views

urlpatterns = [
    re_path(r"^$", views.IndexView.as_view(), name="index"),
    re_path(r"^create/$", views.CreateView.as_view(), name="create"),
    re_path(r"^(?P<binding_id>[^/]+)/update/$", views.UpdateView.as_view(), name="update"),
]
