"""Print docs/access.md: `python -m aimline.web.access_docs > docs/access.md`."""

import os

import django

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aimline.web.settings")
    os.environ.setdefault("AIMLINE_DEBUG", "1")  # no secret key needed to print a table
    django.setup()
    from aimline.web.access import markdown

    print(markdown())
