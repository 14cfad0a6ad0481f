"""Photo and document files follow publication.

Every address under MEDIA_URL is a photo's original or one of its renditions, or a release's
attachment (a document), and is answered only after finding, in the database, a photo or an
attachment that the file belongs to: to everyone while its release is public
(`Release.objects.published()`), to staff alone while it is not (a draft, a scheduled,
unpublished or withdrawn release: the admin and the preview show it), and a 404 to everyone
else, as for a photo deleted or a name that no photo or attachment has. The check is on the row
found from the path, so knowing a file's name, or guessing one, gives nothing. (Nothing else in
the storage has an address: the release PDFs are sent by their own view.)

A document is sent with its format's type and a file name made from its release (a PDF is shown
in the browser, the other formats are downloaded), without a Content-Security-Policy, which
would stop Chromium's PDF viewer.

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

from csp.decorators import csp_exempt
from django.conf import settings
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.utils.encoding import filepath_to_uri
from django.utils.http import content_disposition_header
from django.views.static import serve

from .documents import CONTENT_TYPES
from .models import Attachment, Photo, Release
from .renditions import file_names
from .uploads import FORMATS as ORIGINAL_FORMATS

PUBLIC_MAX_AGE = 300
RENDITIONS = "renditions/"
ATTACHMENTS = "attachments/"


def photo_file(request, path):
    """The view of every address under MEDIA_URL."""
    if path.startswith(ATTACHMENTS):
        return _attachment_file(request, path)
    public = _visibility(path)
    if public is None or not (public or _is_staff(request.user, "view_photo")):
        raise Http404
    return _cached(_send(request, path, public), public)


@csp_exempt()
def _attachment_file(request, name):
    public = Release.objects.published().filter(pk=OuterRef("release_id"))
    attachment = (
        Attachment.objects.filter(file=name)
        .annotate(public=Exists(public))
        .select_related("release")
        .only("format", "order", "release__slug")
        .first()
    )
    if attachment is None or not (attachment.public or _is_staff(request.user, "view_attachment")):
        raise Http404
    disposition = content_disposition_header(
        as_attachment=attachment.format != Attachment.Format.PDF,
        filename=attachment.download_name,
    )
    response = _send(
        request,
        name,
        attachment.public,
        content_type=CONTENT_TYPES[attachment.format],
        disposition=disposition,
    )
    return _cached(response, attachment.public)


def _cached(response, public):
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


def _is_staff(user, permission):
    return user.is_active and user.is_staff and user.has_perm(f"releases.{permission}")


def _send(request, name, public, content_type=None, disposition=None):
    """The file `name`, sent the cheapest way; a document with its own type and file name."""
    storage = Photo._meta.get_field("image").storage
    try:
        storage.path(name)
    except NotImplementedError:  # object storage
        if disposition is None:
            return HttpResponseRedirect(storage.url(name))
        # The signed address makes the storage send the document's type and file name.
        parameters = {
            "ResponseContentType": content_type,
            "ResponseContentDisposition": disposition,
        }
        return HttpResponseRedirect(storage.url(name, parameters=parameters))
    if settings.MEDIA_ACCEL_REDIRECT:
        # nginx drops this answer's Cache-Control: its location for each policy sets it again
        # (deploy/nginx-media.conf). It keeps its Content-Type and Content-Disposition.
        policy = "public/" if public else "private/"
        response = HttpResponse(content_type=content_type or mimetypes.guess_type(name)[0])
        response["X-Accel-Redirect"] = (
            settings.MEDIA_ACCEL_REDIRECT + policy + filepath_to_uri(name)
        )
    elif settings.SERVE_MEDIA:
        response = serve(request, name, document_root=storage.location)
        if content_type:
            response["Content-Type"] = content_type
    else:
        raise Http404
    if disposition:
        response["Content-Disposition"] = disposition
    return response
