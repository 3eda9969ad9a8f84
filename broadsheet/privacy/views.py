from django.shortcuts import render

from broadsheet.newsroom.embeds import embed_providers
from broadsheet.privacy import facts


def policy(request):
    return render(
        request,
        "privacy/policy.html",
        {
            "cookies": facts.cookies(),
            "browser_storage": facts.browser_storage(),
            "third_parties": facts.third_parties(),
            "server": facts.server_side(),
            "member_data": facts.member_data(),
        },
    )


def choices(request):
    providers = [provider.name for provider in embed_providers()]
    return render(request, "privacy/choices.html", {"providers": providers})
