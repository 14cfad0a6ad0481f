from django.conf import settings
from django.core.checks import Warning, register

from .models import Photo


@register()
def photo_files_can_be_sent(app_configs, **kwargs):
    """With photos on the local disk, someone must send them: nginx or Django."""
    storage = Photo._meta.get_field("image").storage
    try:
        storage.path("photos")
    except NotImplementedError:  # object storage sends its own files
        return []
    if settings.MEDIA_ACCEL_REDIRECT or settings.SERVE_MEDIA:
        return []
    return [
        Warning(
            "Photos cannot be seen: they are on the local disk, and neither "
            "DJANGO_MEDIA_ACCEL_REDIRECT (nginx sends them) nor DJANGO_SERVE_MEDIA=1 "
            "(Django sends them) is set.",
            id="releases.W001",
        )
    ]
