from django.contrib import admin, messages
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import Subscription


class StateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("confirmed", _("confirmed")),
            ("pending", _("waiting for confirmation")),
            ("expired", _("expired")),
        ]

    def queryset(self, request, queryset):
        match self.value():
            case "confirmed":
                return queryset.confirmed()
            case "pending":
                return queryset.pending()
            case "expired":
                return queryset.expired()
        return queryset


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    """Subscriptions come only from the public form (double opt-in): staff can look, count and
    delete, never add or change an address."""

    list_display = ["email", "query", "language", "frequency", "state", "requested_at"]
    list_filter = [StateFilter, "frequency", "language"]
    search_fields = ["email"]
    date_hierarchy = "requested_at"
    fields = ["email", "query", "language", "frequency", "requested_at", "confirmed_at"]
    actions = ["delete_addresses"]
    change_list_template = "admin/alerts/subscription/change_list.html"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("state"), boolean=True, ordering="confirmed_at")
    def state(self, obj):
        return obj.is_confirmed

    @admin.action(description=_("Delete every subscription of the selected addresses"))
    def delete_addresses(self, request, queryset):
        emails = set(queryset.values_list("email", flat=True))
        for email in emails:
            services.forget_address(email)
        count = len(emails)
        self.message_user(
            request,
            ngettext("Deleted %(count)d address.", "Deleted %(count)d addresses.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    def changelist_view(self, request, extra_context=None):
        counts = (
            Subscription.objects.values("query")
            .annotate(
                confirmed=Count("pk", filter=Q(confirmed_at__isnull=False)),
                pending=Count("pk", filter=Q(confirmed_at__isnull=True)),
            )
            .order_by("-confirmed", "-pending", "query")[:50]
        )
        return super().changelist_view(request, {"filter_counts": counts, **(extra_context or {})})
