import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "arthomed.settings")
application = get_wsgi_application()

from arthomed.checks import require_production_settings  # noqa: E402 - needs the settings configured above

require_production_settings()
