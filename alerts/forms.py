from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Subscription


class SubscribeForm(forms.Form):
    email = forms.EmailField(label=_("Your e-mail address"), max_length=254)
    frequency = forms.ChoiceField(
        label=_("How often"),
        choices=Subscription.Frequency.choices,
        initial=Subscription.Frequency.IMMEDIATE,
        widget=forms.RadioSelect,
    )
    updates = forms.BooleanField(
        label=_("Also send me updates (corrections) to these releases"), required=False
    )
    # The list's query string; normalised through the list's own filters before it is kept.
    filters = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)
