from django_tasks import task

from broadsheet.newsletter.sending import send_pending


@task()
def send_issue(issue_id: int) -> int:
    """Send an issue's queued deliveries. Safe to run twice or in parallel."""
    return send_pending(issue_id)
