"""cblog as gunicorn serves it, plus the local media folder that CloudFront serves in production."""

import os

from whitenoise import WhiteNoise

from cblog.wsgi import application as site

application = WhiteNoise(site, root=os.environ["MEDIA_ROOT"], prefix="media/", max_age=31536000)
