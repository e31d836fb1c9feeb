PANEL = "tricircle_routings"
PANEL_DASHBOARD = "project"
PANEL_GROUP = "tricircle"
ADD_PANEL = "tricircle_dashboard.dashboards.project.routings.panel.Routings"
