from django.shortcuts import redirect

from broadsheet.core.pagination import TooDeep


class DeepListingMiddleware:
    """A listing page past LISTING_MAX_PAGES leads to the archive by month,
    where every older article is a month's range of an index away."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, TooDeep):
            return redirect("newsroom:archive")
        return None
