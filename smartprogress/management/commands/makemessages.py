from django.core.management.commands import makemessages


class Command(makemessages.Command):
    """makemessages that leaves new strings empty instead of guessing them from
    similar ones: gettext's guesses are marked fuzzy and are usually wrong."""

    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]
