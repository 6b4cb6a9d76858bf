import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.base")

application = get_wsgi_application()

# With DEBUG off, a well-formed but wrong field key stops the web server here, before a request opens a
# sealed value with it (accounts/keycheck.py).
from accounts.keycheck import refuse_wrong_keys  # noqa: E402  (needs the app registry set up above)

refuse_wrong_keys(record=True)
