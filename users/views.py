from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.views.generic import CreateView, FormView

from cblog.images.services import ImageStorageError
from cblog.throttles import ThrottledFormMixin
from users.forms import AccountForm, DeferredPasswordResetForm, ProfileForm, RegistrationForm
from users.models import Profile
from users.services import account_change_notify, profile_update


class RegisterView(ThrottledFormMixin, CreateView):
    throttle_scopes = ("register",)
    form_class = RegistrationForm
    template_name = "users/register.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return redirect("blog:post-list")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        user = form.save()
        login(self.request, user, backend="users.backends.CachedModelBackend")
        messages.success(self.request, f"Welcome, {user.username}! Your account is ready.")
        return redirect("blog:post-list")

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ProfileView(LoginRequiredMixin, ThrottledFormMixin, FormView):
    """The profile form (bio, avatar) and the account form, saved together."""

    throttle_scopes = ("upload",)
    form_class = ProfileForm
    template_name = "users/profile.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.request.user.profile}

    def get_account_form(self):
        data = self.request.POST if self.request.method == "POST" else None
        return AccountForm(data, instance=self.request.user)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("account_form", self.get_account_form())
        context = super().get_context_data(**kwargs)
        context["profile_form"] = context["form"]
        context["has_author_page"] = self.request.user.posts.published().exists()
        return context

    def form_valid(self, form):
        account_form = self.get_account_form()
        if not account_form.is_valid():
            return self.form_invalid(form, account_form)
        try:
            profile_update(
                profile=form.instance,
                account={name: account_form.cleaned_data[name] for name in AccountForm.Meta.fields},
                bio=form.cleaned_data["bio"],
                avatar=form.new_image,
                remove_avatar=form.image_removed,
                notifications={name: form.cleaned_data[name] for name in Profile.NOTIFICATIONS},
            )
        except ImageStorageError:
            form.add_error("avatar", "The picture could not be stored. Please try again.")
            context = self.get_context_data(form=form, account_form=account_form)
            return self.render_to_response(context, status=503)
        messages.success(self.request, "Your profile was saved.")
        return redirect("users:profile")

    def form_invalid(self, form, account_form=None):
        account_form = account_form or self.get_account_form()
        account_form.is_valid()  # its errors show beside the profile form's
        context = self.get_context_data(form=form, account_form=account_form)
        return self.render_to_response(context, status=400)


class PasswordChangedNoticeMixin:
    """Tells the account's address that its password changed."""

    def form_valid(self, form):
        response = super().form_valid(form)
        account_change_notify(user=form.user, address=form.user.email, change="password")
        return response


class PasswordChangeView(PasswordChangedNoticeMixin, auth_views.PasswordChangeView):
    template_name = "users/password_change_form.html"
    success_url = reverse_lazy("users:password-change-done")


class PasswordResetConfirmView(PasswordChangedNoticeMixin, auth_views.PasswordResetConfirmView):
    template_name = "users/password_reset_confirm.html"
    success_url = reverse_lazy("users:password-reset-complete")


class RedirectThenRun(HttpResponseRedirect):
    """A redirect that runs `after` once the WSGI server has sent it and closes it."""

    def __init__(self, url, *, after):
        super().__init__(url)
        self.after = after

    def close(self):
        super().close()
        for run in self.after:
            run()


class PasswordResetView(ThrottledFormMixin, auth_views.PasswordResetView):
    """Answers the same, and as fast, whether or not the address is registered: the mail is
    rendered and sent after the response has gone out."""

    throttle_scopes = ("password-reset",)
    form_class = DeferredPasswordResetForm
    template_name = "users/password_reset_form.html"
    email_template_name = "users/password_reset_email.txt"
    subject_template_name = "users/password_reset_subject.txt"
    success_url = reverse_lazy("users:password-reset-done")

    def form_valid(self, form):
        response = super().form_valid(form)
        return RedirectThenRun(response.url, after=form.unsent)
