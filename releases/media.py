"""Photo files follow publication.

Every address under MEDIA_URL is a photo's original or one of its renditions, and is answered
only after finding, in the database, a photo that the file belongs to: to everyone while that
photo's release is public (`Release.objects.published()`), to staff alone while it is not (a
draft, a scheduled, unpublished or withdrawn release: the admin and the preview show it), and a
404 to everyone else, as for a photo deleted or a name that no photo has. The check is on the
photo found from the path, so knowing a file's name, or guessing one, gives nothing.

After the check, the file is sent the cheapest way the deployment allows; Django streams it only
on a laptop:

- object storage (the storage has no local path): a redirect to the storage's own short-lived
  signed address; the bucket stays private;
- local disk behind nginx (`DJANGO_MEDIA_ACCEL_REDIRECT`): an empty answer whose
  `X-Accel-Redirect` header makes nginx send the file from an `internal` location
  (deploy/nginx-media.conf);
- local disk alone (`DJANGO_SERVE_MEDIA`, on by default with DEBUG): Django sends the file.

A public answer may be kept by browsers and proxies for PUBLIC_MAX_AGE seconds: that long, at
most, a withdrawn photo can still be seen where it was already fetched.
"""

import mimetypes

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.utils.encoding import filepath_to_uri
from django.views.static import serve

from .models import Photo, Release
from .renditions import file_names
from .uploads import FORMATS as ORIGINAL_FORMATS

PUBLIC_MAX_AGE = 300
RENDITIONS = "renditions/"


def photo_file(request, path):
    """The view of every address under MEDIA_URL."""
    public = _visibility(path)
    if public is None or not (public or _is_staff(request.user)):
        raise Http404
    response = _send(request, path, public)
    if public:
        response["Cache-Control"] = f"public, max-age={PUBLIC_MAX_AGE}"
    else:
        response["Cache-Control"] = "private, no-store"
    return response


def _visibility(name):
    """True when a public photo has the file `name`, False when only photos the public may not
    see have it, None when no photo has it. One query."""
    candidates = {name}
    if name.startswith(RENDITIONS):
        # renditions/<stem>-<width>w.<ext> belongs to the original <stem>.<ext of an upload>
        stem = name.removeprefix(RENDITIONS).rpartition("-")[0]
        candidates |= {f"{stem}.{extension}" for extension, _ in ORIGINAL_FORMATS.values()}
    public = Release.objects.published().filter(pk=OuterRef("release_id"))
    photos = Photo.objects.filter(image__in=candidates).annotate(public=Exists(public))
    found = [photo.public for photo in photos if name in file_names(photo)]
    return any(found) if found else None


def _is_staff(user):
    return user.is_active and user.is_staff and user.has_perm("releases.view_photo")


def _send(request, name, public):
    storage = Photo._meta.get_field("image").storage
    try:
        storage.path(name)
    except NotImplementedError:  # object storage
        return HttpResponseRedirect(storage.url(name))
    if settings.MEDIA_ACCEL_REDIRECT:
        # nginx drops this answer's Cache-Control: its location for each policy sets it again
        # (deploy/nginx-media.conf).
        policy = "public/" if public else "private/"
        response = HttpResponse(content_type=mimetypes.guess_type(name)[0])
        response["X-Accel-Redirect"] = (
            settings.MEDIA_ACCEL_REDIRECT + policy + filepath_to_uri(name)
        )
        return response
    if settings.SERVE_MEDIA:
        return serve(request, name, document_root=storage.location)
    raise Http404
