"""The editor's picture upload: stores a picture for the text and answers its Markdown as JSON."""

from django.http import Http404, JsonResponse

from blog.editor import EditorEndpoint, form_refused, refused
from blog.models import Post
from blog.pictures.forms import PictureUploadForm
from blog.pictures.services import picture_markdown, picture_upload
from cblog.images.services import ImageStorageError


class PictureUploadView(EditorEndpoint):
    """POST inline_image and inline_image_alt; 201 with {"markdown", "url", "alt"}.

    Without a slug the picture waits for the new post that shows it (blog.services claims it).
    Refusals are JSON with a message: 400 (a bad file, no alt text, the post is full), 404 (a post
    the user cannot edit), 413 (too large, cblog.middleware), 429, 503 (the store failed).
    """

    throttle_scopes = ("upload",)

    def post(self, request, slug=None):
        post = None
        if slug is not None:
            post = Post.objects.filter(slug=slug).first()
            if post is None or not post.can_edit(request.user):
                raise Http404("No post of yours has this address.")
        form = PictureUploadForm(request.POST, request.FILES, post=post, uploader=request.user)
        if not form.is_valid():
            return form_refused(form)
        try:
            picture = picture_upload(uploader=request.user, post=post, picture=form.new_picture)
        except ImageStorageError:
            return refused("The picture could not be stored right now. Please try again.", 503)
        markdown = picture_markdown(url=picture.url, alt=picture.alt)
        return JsonResponse(
            {"markdown": markdown, "url": picture.url, "alt": picture.alt}, status=201
        )
