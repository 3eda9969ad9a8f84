def canonical(request):
    """Give every page its canonical address: the path, plus ?page= past page 1."""
    path = request.path
    page = request.GET.get("page", "")
    if page.isdigit() and int(page) > 1:
        path = f"{path}?page={int(page)}"
    return {"canonical_url": request.build_absolute_uri(path)}
