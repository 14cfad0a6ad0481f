from base64 import b32encode

import segno
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_credentials
from django.contrib import admin
from django.contrib.auth import logout
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseBadRequest, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import user_has_device

from . import second_factor
from .forms import CodeForm
from .logins import locked_out
from .models import EditorPreference


@require_POST
def set_translation_mode(request):
    """Remember which languages this editor wants in forms; back to the form (or JSON for JS)."""
    mode = request.POST.get("mode", "")
    if mode not in EditorPreference.Mode.values:
        return HttpResponseBadRequest("mode must be one of: " + ", ".join(EditorPreference.Mode))
    EditorPreference.objects.update_or_create(
        user=request.user, defaults={"translation_mode": mode}
    )
    if request.headers.get("Accept") == "application/json":
        return JsonResponse({"mode": mode})
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("admin:index")
    return HttpResponseRedirect(target)


def _next(request):
    target = request.POST.get("next") or request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("admin:index")


def _page(request, template, **context):
    return render(
        request,
        template,
        {**admin.site.each_context(request), "next": _next(request), **context},
    )


@never_cache
@csrf_protect
@sensitive_post_parameters("code")
def verify_code(request):
    """After the password: a code from the person's authenticator app, or a recovery code.
    Wrong codes count as failed logins (django-axes), with the login's limits and pause."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    if not second_factor.is_pending(request):
        return HttpResponseRedirect(_next(request))
    if not user_has_device(request.user):
        return HttpResponseRedirect(
            f"{reverse('second_factor:set_up')}?{urlencode({'next': _next(request)})}"
        )
    credentials = get_credentials(request.user.get_username())
    if not AxesProxyHandler.is_allowed(request, credentials):
        logout(request)
        return locked_out(request)
    form = CodeForm(request.POST or None)
    if form.is_valid():
        device = second_factor.check_code(request.user, form.cleaned_data["code"])
        if device is not None:
            second_factor.verified(request, device)
            return HttpResponseRedirect(_next(request))
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        if getattr(request, "axes_locked_out", False):
            logout(request)
            return locked_out(request)
        form.add_error("code", _("This code is not right, or was already used. Try the next one."))
    return _page(request, "admin/second_factor/verify.html", form=form)


@never_cache
@csrf_protect
@sensitive_post_parameters("code")
def set_up(request):
    """Set up an authenticator app: its key as a QR code and as text, then one code from it
    confirms it; the recovery codes are shown once, on the page that answers."""
    if not request.user.is_authenticated or not request.user.is_staff:
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    if second_factor.is_pending(request) and user_has_device(request.user):
        # Replacing a device takes a code from the present one.
        return HttpResponseRedirect(
            f"{reverse('second_factor:verify')}?{urlencode({'next': request.get_full_path()})}"
        )
    device = second_factor.unconfirmed_app(request.user)
    form = CodeForm(request.POST or None)
    if form.is_valid():
        if device.verify_token("".join(form.cleaned_data["code"].split())):
            codes = second_factor.confirm_app(device)
            second_factor.verified(request, device)
            return _page(request, "admin/second_factor/recovery_codes.html", codes=codes)
        form.add_error(
            "code", _("This code is not right. Check the clock of your phone and try again.")
        )
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return _page(
        request,
        "admin/second_factor/set_up.html",
        form=form,
        qr_code=segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2),
        secret=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        required=second_factor.is_pending(request),
    )
