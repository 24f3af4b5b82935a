"""The whole site mounted under /blog/, to prove that pages link by route name, not by path."""

from django.urls import include, path

urlpatterns = [path("blog/", include("cblog.urls"))]
