from django_tasks import task

from broadsheet.core.mail import build_message


@task()
def deliver_email(payload: dict) -> None:
    """Send one message already rendered by the request that wanted it sent."""
    build_message(payload).send()
