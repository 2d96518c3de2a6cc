"""Front-desk admin pages under /admin/frontdesk/ (reversed as `frontdesk:<name>`)."""

app_name = "frontdesk"

urlpatterns: list = []
