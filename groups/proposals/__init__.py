"""Proposals (proposte): members put forward concrete solutions in a working group, staff
moderate them in the admin and answer them officially. A room of the groups app of its own,
with the same rooms inside (enums, models, services, permissions, forms, views, admin, tasks);
groups/models.py and groups/admin.py import it, so Django finds its models and admin pages."""
