PANEL = "tricircle_jobs"
PANEL_DASHBOARD = "admin"
PANEL_GROUP = "tricircle"
ADD_PANEL = "tricircle_dashboard.dashboards.admin.jobs.panel.Jobs"
