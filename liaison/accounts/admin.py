"""Read-only admin: a user's salesperson code is set with ``liaison user salesperson``."""

from django.contrib import admin

from liaison.accounts.models import UserProfile
from liaison.core.admin_readonly import ReadOnlyAdmin

admin.site.register(UserProfile, ReadOnlyAdmin)
