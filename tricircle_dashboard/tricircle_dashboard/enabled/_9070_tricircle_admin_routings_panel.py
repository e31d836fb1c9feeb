PANEL = "tricircle_routings"
PANEL_DASHBOARD = "admin"
PANEL_GROUP = "tricircle"
ADD_PANEL = "tricircle_dashboard.dashboards.admin.routings.panel.Routings"
