PANEL = "tricircle_jobs"
PANEL_DASHBOARD = "project"
PANEL_GROUP = "tricircle"
ADD_PANEL = "tricircle_dashboard.dashboards.project.jobs.panel.Jobs"
