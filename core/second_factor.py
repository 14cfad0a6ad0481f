"""A second factor for staff (django-otp: one-time codes from an authenticator app, and
recovery codes). The password signs a person in as usual (the admin's login, counted by
django-axes); until they give a code, the session is "pending": the admin sends them to the code
page (or, without a device yet, to set one up) and the rest of the site treats them as a visitor
(core.middleware.SecondFactorMiddleware).
Who must give one: config/settings.py, "Second factor"."""

from django.conf import settings
from django_otp import devices_for_user, user_has_device, verify_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

SESSION_KEY = "second_factor"
PENDING, DONE, NOT_NEEDED = "pending", "done", "not needed"
RECOVERY_CODES = 10


def must_give_code(user):
    """Required for publishers and administrators where the setting asks for it; anyone who
    set up a device gives its code, required or not."""
    required = settings.REQUIRE_2FA and user.is_active and user.has_perm(settings.REQUIRE_2FA_FOR)
    return required or user_has_device(user)


def is_pending(request, user=None):
    user = user or request.user
    if not user.is_authenticated:
        return False
    state = request.session.get(SESSION_KEY)
    if state is None:  # a session opened before this check existed
        state = request.session[SESSION_KEY] = PENDING if must_give_code(user) else NOT_NEEDED
    return state == PENDING


def logged_in(sender, request, user, **kwargs):
    """Every login starts over: a code given in an earlier session counts for nothing."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = PENDING if must_give_code(user) else NOT_NEEDED


def verified(request, device):
    request.session[SESSION_KEY] = DONE
    request.session[f"{SESSION_KEY}_device"] = device.persistent_id


def check_code(user, code):
    """The device (app or recovery codes) that accepts `code`; None if none does. A recovery
    code is used up by the check."""
    code = "".join(code.split()).lower()
    for device in devices_for_user(user):
        if verify_token(user, device.persistent_id, code):
            return device
    return None


def unconfirmed_app(user):
    """The authenticator-app device being set up (its key shown until a code confirms it)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="app", confirmed=False)


def confirm_app(device):
    """The confirmed app replaces every earlier device; fresh recovery codes come with it."""
    for old in devices_for_user(device.user, confirmed=None):
        if old.pk != device.pk or type(old) is not TOTPDevice:
            old.delete()
    device.confirmed = True
    device.save()
    recovery = StaticDevice.objects.create(user=device.user, name="recovery")
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=recovery, token=code) for code in codes)
    return codes


def reset(users):
    """An administrator's reset: each user sets up a new device at their next login."""
    for user in users:
        for device in devices_for_user(user, confirmed=None):
            device.delete()
