"""Export and erasure cover every model that points at a member. These tests walk every
relation of every installed model, so a model added tomorrow that points at a member, and
that its app's privacy.py does not name, fails here with the line to add."""

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models

from members import privacy

# The account's own fields and what the export and the erasure do with each. A new field on
# Member must be added here, after deciding both (members/services.py: export_member,
# erase_member).
MEMBER_FIELDS = {
    "id": "kept",
    "password": "secret, made unusable",
    "last_login": "emptied",
    "is_superuser": "set to false",
    "email": "replaced by erased-<id>@invalid.invalid",
    "full_name": "replaced by “ex socio/a”",
    "language": "kept (the language of what stays)",
    "time_zone": "kept",
    "membership_number": "emptied",
    "status": "set to erased",
    "status_changed_at": "set to the time of erasure",
    "refusal_reason": "emptied",
    "bio": "emptied",
    "region": "emptied",
    "visibility": "set to public, so what stays reads “ex socio/a”",
    "calendar_token": "secret, emptied",
    "is_staff": "set to false",
    "is_active": "set to false",
    "date_joined": "kept",
    "work_mode": "emptied",
    "offers": "emptied",
    "looks_for": "emptied",
    "in_directory": "set to false",
    "shows_region": "set to false",
    "shows_sectors": "set to false",
    "shows_skills": "set to false",
    "shows_bio": "set to false",
    "shows_offers": "set to false",
    "shows_looks_for": "set to false",
    "shows_groups": "set to false",
    "shows_projects": "set to false",
    "directory_text": "emptied",
}


def _where_to_register(model):
    """Our apps above members say it in their own privacy.py; notifications (which may not
    import members) and the libraries' apps in members/privacy.py."""
    config = apps.get_app_config(model._meta.app_label)
    ours = config.path.startswith(str(settings.BASE_DIR)) and "site-packages" not in config.path
    if ours and config.label != "notifications":
        return f"{config.name.replace('.', '/')}/privacy.py"
    return "members/privacy.py (_register_lower_apps)"


def _hint(model, path):
    name = model.__name__
    if model._meta.auto_created:  # the table behind a many-to-many field
        owner = model._meta.auto_created
        field = next(f for f in owner._meta.many_to_many if f.remote_field.through is model)
        name = f"{owner.__name__}.{field.name}.through"
    return (
        f"{model._meta.label}.{path} points at a member and has no privacy rule: add "
        f'`register({name}, "{path}", Fate.DELETE | Fate.ANONYMISE | Fate.KEEP)` to {_where_to_register(model)}'
    )


def _member_m2m_through_models():
    return {field.remote_field.through for field in get_user_model()._meta.many_to_many}


def _direct_paths():
    """(model, field name) of every foreign key or one-to-one to the member, on every model
    (the tables behind many-to-many fields included), proxies aside (their concrete model counts)."""
    member_model = get_user_model()
    own_tables = _member_m2m_through_models()
    found = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or model in own_tables:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.ForeignKey) and field.related_model is member_model:
                found.append((model, field.name))
    return found


def test_every_relation_to_a_member_has_a_privacy_rule():
    registered = {relation.key for relation in privacy.relations()}

    missing = [_hint(model, path) for model, path in _direct_paths() if f"{model._meta.label}.{path}" not in registered]

    assert missing == [], "\n".join(missing)


def test_rows_deleted_with_a_members_rows_have_a_privacy_rule_too():
    """Rows that a deleted row takes with it (CASCADE) are the member's data as well: they must
    be exported before they go."""
    registered = {relation.key for relation in privacy.relations()}
    missing = []
    for relation in privacy.relations():
        if relation.fate is not privacy.Fate.DELETE:
            continue
        for model in apps.get_models(include_auto_created=True):
            for field in model._meta.concrete_fields:
                if (
                    isinstance(field, models.ForeignKey)
                    and field.related_model is relation.model
                    and field.remote_field.on_delete is models.CASCADE
                ):
                    path = f"{field.name}__{relation.path}"
                    if f"{model._meta.label}.{path}" not in registered:
                        missing.append(_hint(model, path))

    assert missing == [], "\n".join(missing)


def test_every_registered_relation_leads_to_a_member():
    member_model = get_user_model()
    wrong = []
    for relation in privacy.relations():
        model = relation.model
        for name in relation.path.split("__"):
            model = model._meta.get_field(name).related_model
        if model is not member_model:
            wrong.append(relation.key)
        for name in relation.blank + relation.secret:
            relation.model._meta.get_field(name)

    assert wrong == []


def test_every_field_of_the_account_has_a_decision():
    fields = {field.name for field in get_user_model()._meta.concrete_fields}

    assert fields - set(MEMBER_FIELDS) == set(), "add the new Member field to MEMBER_FIELDS and decide its fate"
    assert set(MEMBER_FIELDS) - fields == set()


def test_secrets_are_never_exported():
    exported = {field.name for field in privacy.member_fields(get_user_model())}

    assert {"password", "calendar_token"} & exported == set()
