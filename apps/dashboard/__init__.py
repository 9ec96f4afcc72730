"""The desktop dashboard: burn-down with forecast, hours against plan, calendar heatmap, phase progress."""
