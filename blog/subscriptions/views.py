from functools import cached_property

from django.contrib import messages
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View
from django.views.generic import FormView

from blog.models import Post
from blog.subscriptions import services
from blog.subscriptions.forms import SubscribeForm
from blog.subscriptions.models import Subscription
from cblog.throttles import ThrottledFormMixin
from cblog.unsubscribe import OneClickUnsubscribeView
from users.models import User

SENT_MESSAGE = (
    "Almost done: we sent a link to that address. Open it to confirm, and new posts will follow."
)


class SubscribeView(ThrottledFormMixin, FormView):
    """Asks for an address; `?author=<username>` follows one author instead of the whole blog."""

    form_class = SubscribeForm
    template_name = "subscriptions/subscribe.html"
    throttle_scopes = ("subscribe",)

    @cached_property
    def author(self):
        username = self.request.GET.get("author")
        if not username:
            return None
        authors = User.objects.filter(
            Exists(Post.objects.published().filter(author=OuterRef("pk")))
        )
        return get_object_or_404(authors, username=username)

    def get_context_data(self, **kwargs):
        return super().get_context_data(author=self.author, **kwargs)

    def form_valid(self, form):
        services.subscription_request(email=form.cleaned_data["email"], author=self.author)
        messages.success(self.request, SENT_MESSAGE)
        return redirect(self.request.get_full_path())

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ConfirmView(View):
    """GET shows a button (mail scanners open links), POST confirms."""

    template_name = "subscriptions/confirm.html"

    def dispatch(self, request, token):
        self.subscription = services.subscription_from_confirm_token(token)
        if self.subscription is None:
            context = {"invalid": True}
            return render(request, self.template_name, context, status=400)
        return super().dispatch(request, token)

    def get(self, request, token):
        return render(request, self.template_name, {"subscription": self.subscription})

    def post(self, request, token):
        services.subscription_confirm(subscription=self.subscription)
        context = {"subscription": self.subscription, "done": True}
        return render(request, self.template_name, context)


class UnsubscribeView(OneClickUnsubscribeView):
    salt = services.UNSUBSCRIBE_SALT

    def describe(self, value):
        subscription = Subscription.objects.select_related("author").filter(pk=value).first()
        return f"mails about {subscription.topic}" if subscription else None

    def unsubscribe(self, value):
        services.subscription_cancel(subscription_id=value)
