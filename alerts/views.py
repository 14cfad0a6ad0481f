"""The pages of e-mail alerts. None is cached: they answer a form or carry a secret link."""

from django.conf import settings
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import get_language
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import FormView

from . import services, tasks
from .forms import SubscribeForm
from .limits import client_address
from .mail import describe, list_path, manage_token, read_manage_token
from .models import Subscription


# No CSRF token: the form acts for no session or account (anyone may submit any address, which
# the limits and double opt-in guard), and it sits on list pages that are cached for everyone.
@method_decorator([never_cache, csrf_exempt], name="dispatch")
class SubscribeView(FormView):
    template_name = "alerts/subscribe.html"
    form_class = SubscribeForm

    def filters(self):
        """(normalised query, description) of the list's filters: posted, or in the address."""
        if not hasattr(self, "_filters"):
            data = self.request.GET
            if self.request.method == "POST":
                data = QueryDict(self.request.POST.get("filters", "")[:2000].lstrip("?"))
            self._filters = services.read_filters(data)
        return self._filters

    def get_initial(self):
        return {"filters": self.filters()[0]}

    def get_context_data(self, **kwargs):
        query, filters = self.filters()
        return super().get_context_data(filters=filters, list_url=list_path(query), **kwargs)

    def form_valid(self, form):
        query = self.filters()[0]
        allowed = services.request_subscription(
            email=form.cleaned_data["email"],
            query=query,
            language=get_language(),
            frequency=form.cleaned_data["frequency"],
            updates=form.cleaned_data["updates"],
            client=client_address(self.request),
        )
        if not allowed:
            return render(self.request, "alerts/limited.html", status=429)
        # The daily run (digests, deleting expired requests) re-enqueues itself; the first
        # request starts it.
        tasks.schedule_digests()
        context = {
            "email": form.cleaned_data["email"],
            "list_url": list_path(query),
            "hours": settings.ALERTS_CONFIRM_HOURS,
        }
        return render(self.request, "alerts/requested.html", context)


class TokenView(View):
    """A page reached from a link in a message: GET shows a button, POST acts (link scanners
    in mail systems open links, and must not confirm or unsubscribe anyone)."""

    template_name = None

    def subscription(self, token):
        return Subscription.objects.filter(token=token).first()

    def get(self, request, token):
        subscription = self.subscription(token)
        if subscription is None:
            return render(request, "alerts/gone.html", status=404)
        return render(request, self.template_name, self.context(subscription))

    def context(self, subscription, **kwargs):
        return {
            "subscription": subscription,
            "filters": describe(subscription.query),
            "list_url": list_path(subscription.query),
            **kwargs,
        }


@method_decorator(never_cache, name="dispatch")
class ConfirmView(TokenView):
    template_name = "alerts/confirm.html"

    def post(self, request, token):
        subscription = self.subscription(token)
        if subscription is None:
            return render(request, "alerts/gone.html", status=404)
        # The token stays the unsubscribe token of every alert: only the confirmation itself
        # brings a manage link, or a forwarded alert would make them without end.
        newly = not subscription.is_confirmed
        if not services.confirm(subscription):
            return render(request, "alerts/gone.html", status=404)
        extra = {"manage_token": manage_token(subscription)} if newly else {}
        return render(request, self.template_name, self.context(subscription, done=True, **extra))


# RFC 8058: mail clients POST "List-Unsubscribe=One-Click" to this address, with no token
# and no confirmation page; the secret in the address is the authority.
@method_decorator([never_cache, csrf_exempt], name="dispatch")
class UnsubscribeView(TokenView):
    template_name = "alerts/unsubscribe.html"

    def post(self, request, token):
        subscription = self.subscription(token)
        context = {}
        if subscription is not None:
            subscription.delete()
            others = Subscription.objects.for_address(subscription.email).first()
            context = self.context(subscription, done=True)
            if others is not None:
                context["manage_token"] = manage_token(others)
        return render(request, self.template_name, {**context, "done": True})


@method_decorator(never_cache, name="dispatch")
class ManageView(View):
    """Every subscription of one address, from a signed link that expires: no account, no
    password. An expired link offers to mail a fresh one to the same address."""

    def subscription(self, token):
        """(the subscription the link was made for or None, whether the link is fresh)."""
        read = read_manage_token(token)
        if read is None:
            return None, False
        key, fresh = read
        return Subscription.objects.filter(manage_key=key).first(), fresh

    def get(self, request, token):
        subscription, fresh = self.subscription(token)
        if subscription is None:
            return render(request, "alerts/gone.html", status=404)
        if not fresh:
            return self.expired(request)
        email = subscription.email
        subscriptions = [
            {"subscription": s, "filters": describe(s.query), "list_url": list_path(s.query)}
            for s in Subscription.objects.for_address(email)
        ]
        return render(
            request, "alerts/manage.html", {"email": email, "subscriptions": subscriptions}
        )

    def post(self, request, token):
        subscription, fresh = self.subscription(token)
        if subscription is None:
            return render(request, "alerts/gone.html", status=404)
        if request.POST.get("action") == "send-link":
            if not services.send_manage_link(subscription, client_address(request)):
                return render(request, "alerts/limited.html", status=429)
            return self.expired(request, sent=True)
        if not fresh:
            return self.expired(request)
        if request.POST.get("action") == "updates":
            pk = request.POST.get("subscription", "")
            if pk.isdigit():
                Subscription.objects.for_address(subscription.email).filter(pk=pk).update(
                    updates=request.POST.get("updates") == "on"
                )
            return redirect(request.path)
        services.forget_address(subscription.email)
        return render(request, "alerts/manage.html", {"email": subscription.email, "deleted": True})

    def expired(self, request, sent=False):
        context = {"days": settings.ALERTS_MANAGE_DAYS, "sent": sent}
        return render(request, "alerts/expired.html", context, status=200 if sent else 410)
