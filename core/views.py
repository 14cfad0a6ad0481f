from django.http import HttpResponseBadRequest, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

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
