from broadsheet.newsletter.addresses import address_key
from broadsheet.newsletter.forms import ManageForm
from broadsheet.newsletter.models import Subscriber


def newsletter_choices(user) -> ManageForm:
    """The member's newsletter form, ticked where they are subscribed and active."""
    subscriber = Subscriber.objects.filter(
        email_key=address_key(user.email or ""), status=Subscriber.Status.ACTIVE
    ).first()
    current = list(subscriber.newsletters.all()) if subscriber else []
    return ManageForm(initial={"newsletters": current})
