"""Running Broadsheet as a service: health and readiness, metrics, logs, backups."""
