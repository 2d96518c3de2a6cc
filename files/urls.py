from django.urls import path

from files.views import FileByNameView, FileView

# `files/upload/appointments` is served by the appointments app (included before this file).
urlpatterns = [
    path("files/<str:pk>", FileView.as_view(), name="file"),
    path("files/<str:file_type>/<str:filename>", FileByNameView.as_view(), name="file-by-name"),
]
