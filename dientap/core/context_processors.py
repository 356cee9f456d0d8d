from django.conf import settings


def site(request):
    ctx = {"DEMO_MODE": settings.DEMO_MODE}
    if settings.DEMO_MODE:
        from dientap.demo.seed import DEMO_ACCOUNTS

        ctx["DEMO_ACCOUNTS"] = DEMO_ACCOUNTS
    return ctx
