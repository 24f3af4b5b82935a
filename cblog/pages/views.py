from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import DetailView, FormView

from cblog.pages import services
from cblog.pages.forms import ContactForm
from cblog.pages.models import SitePage
from cblog.throttles import ThrottledFormMixin

SENT_MESSAGE = "Thank you, {name}: your message was sent. We will answer at {email}."


class SitePageMixin:
    """The page whose slug the view names, as written in the admin."""

    def get_page(self):
        return get_object_or_404(SitePage, slug=self.slug)


class SitePageView(SitePageMixin, DetailView):
    slug = SitePage.Slug.ABOUT
    template_name = "pages/site_page.html"
    context_object_name = "page"

    def get_object(self, queryset=None):
        return self.get_page()


class ContactView(SitePageMixin, ThrottledFormMixin, FormView):
    """The contact page: its introduction from the admin, then the form that mails the admins."""

    slug = SitePage.Slug.CONTACT
    form_class = ContactForm
    template_name = "pages/contact.html"
    throttle_scopes = ("contact",)

    def get_context_data(self, **kwargs):
        return super().get_context_data(page=self.get_page(), **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        contact = services.contact_message_create(
            name=data["name"], email=data["email"], message=data["message"]
        )
        messages.success(self.request, SENT_MESSAGE.format(name=contact.name, email=contact.email))
        return redirect("pages:contact")

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)
