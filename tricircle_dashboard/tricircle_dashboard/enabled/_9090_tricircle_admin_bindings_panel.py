PANEL = "tricircle_bindings"
PANEL_DASHBOARD = "admin"
PANEL_GROUP = "tricircle"
ADD_PANEL = "tricircle_dashboard.dashboards.admin.bindings.panel.Bindings"
