PANEL = "tricircle_regions"
PANEL_DASHBOARD = "admin"
PANEL_GROUP = "tricircle"
ADD_PANEL = "tricircle_dashboard.dashboards.admin.regions.panel.Regions"
