from django.contrib import admin

from aimline.web.networks import models

admin.site.register(models.Network, filter_horizontal=("schools",))
