"""The release as a PDF, in each language, laid out by WeasyPrint from an HTML template and its
print stylesheet (releases/release_pdf.html), from the same rows as the release's page.

A PDF is made once per content, not per request: it is stored (default storage) under a digest
of the HTML it is made from, `release-pdfs/<release id>/<language>-<digest>.pdf`. Anything the
PDF shows that changes (the release, its parts, an official's name, the template) changes the
HTML, so the next request or task finds no file of that name and makes one; nothing else does.
The task (releases.tasks.make_release_pdfs), enqueued when a release the public sees changes,
makes both languages ahead of visitors and removes the files of older contents; a request that
finds none makes it then (releases.views.ReleasePDFView). Which releases have a PDF at all is
decided by the view, from `Release.objects.published()`: the files are never served directly
(releases.media answers no name under this folder).

Japanese is set in Noto Sans/Serif CJK JP (Debian's fonts-noto-cjk, found through fontconfig)
and embedded as subsets; the PDF is tagged (its structure read aloud in order, images with their
alternative text) and carries its language and title.
"""

import hashlib
import mimetypes
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import translation

from .renditions import media_url, rendition_name

FOLDER = "release-pdfs"
LANGUAGES = tuple(code for code, _ in settings.LANGUAGES)
# Photos are set at most 110 mm wide: a 960-pixel JPEG rendition is ~220 dpi there.
PHOTO_WIDTH = 960


def photo_file(photo):
    """The stored file a PDF shows for `photo`: its widest JPEG rendition up to PHOTO_WIDTH,
    else its original."""
    widths = [width for width in photo.rendition_widths if width <= PHOTO_WIDTH]
    if widths:
        return rendition_name(photo.image.name, max(widths), "jpg")
    return photo.image.name


def html_of(release, language):
    """The HTML the PDF of `release` (with_details()) in `language` is made from."""
    with translation.override(language):
        for photo in release.photos.all():
            photo.pdf_src = settings.SITE_URL + media_url(photo_file(photo)) if photo.image else ""
        return render_to_string(
            "releases/release_pdf.html",
            {
                "release": release,
                "site_host": urlsplit(settings.SITE_URL).netloc,
                "release_url": settings.SITE_URL + release.get_absolute_url(),
            },
        )


def _digest(html):
    return hashlib.blake2b(html.encode(), digest_size=10).hexdigest()


def _name(release_id, language, digest):
    return f"{FOLDER}/{release_id}/{language}-{digest}.pdf"


def render(release, html):
    """The PDF bytes of `html` (from html_of(release, ...))."""
    # Imported here: WeasyPrint loads Pango (a second or two), which only the processes that
    # make PDFs need.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    names = {photo_file(photo) for photo in release.photos.all() if photo.image}
    prefix = settings.SITE_URL + settings.MEDIA_URL

    class ReleaseFiles(URLFetcher):
        """The release's own photo files, from the storage, and nothing else: no network, no
        other file, whatever a rich text may point at."""

        def fetch(self, url, headers=None):
            name = url.removeprefix(prefix) if url.startswith(prefix) else None
            if name not in names:
                raise ValueError(f"Not one of the release's files: {url}")
            with default_storage.open(name) as file:
                data = file.read()
            content_type = mimetypes.guess_type(name)[0]
            return URLFetcherResponse(url, data, {"Content-Type": content_type})

    document = HTML(
        string=html,
        base_url=settings.SITE_URL + release.get_absolute_url(),
        url_fetcher=ReleaseFiles(),
    )
    return document.write_pdf(pdf_tags=True)


def release_pdf(release, language):
    """(digest, bytes) of the PDF of `release` (with_details()) in `language`: the stored one
    for its current content, made and stored first if there is none."""
    html = html_of(release, language)
    digest = _digest(html)
    name = _name(release.pk, language, digest)
    if default_storage.exists(name):
        try:
            with default_storage.open(name) as file:
                return digest, file.read()
        except FileNotFoundError:  # removed meanwhile by a task that saw a newer content
            pass
    data = render(release, html)
    if not default_storage.exists(name):  # another process may have stored it meanwhile
        default_storage.save(name, ContentFile(data))
    return digest, data


def make_pdfs(release):
    """Both languages' PDFs of `release` (with_details()) made if missing; older ones removed."""
    keep = set()
    for language in LANGUAGES:
        digest, _ = release_pdf(release, language)
        keep.add(_name(release.pk, language, digest))
    remove_pdfs(release.pk, keep=keep)


def remove_pdfs(release_id, keep=()):
    """Remove the stored PDFs of a release, but those named in `keep`."""
    folder = f"{FOLDER}/{release_id}"
    try:
        _, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return
    for file in files:
        if f"{folder}/{file}" not in keep:
            default_storage.delete(f"{folder}/{file}")
