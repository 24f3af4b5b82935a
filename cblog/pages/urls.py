from django.urls import path

from cblog.pages import views

app_name = "pages"

urlpatterns = [
    path("about/", views.SitePageView.as_view(), name="about"),
    path("contact/", views.ContactView.as_view(), name="contact"),
]
