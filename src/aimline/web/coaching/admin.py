from django.contrib import admin

from aimline.web.coaching.models import Correction

# entries are read and written on the site, under each practice's rules; corrections are
# the record of what changed, shown to admins read-only in spirit
admin.site.register(Correction)
