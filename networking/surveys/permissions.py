"""Who sees what of a survey. Verified members answer while it is open; results are for
staff at any time and for verified members once the survey has closed (while it is open,
early figures would sway the answers still to come). Free-text answers are for staff only:
a sentence can identify its writer. The CSV export is for staff."""


def can_answer(user, survey):
    return user.is_authenticated and user.is_verified_member and survey.is_open()


def can_see_survey(user):
    return user.is_authenticated and (user.is_staff or user.is_verified_member)


def can_see_results(user, survey):
    if not user.is_authenticated:
        return False
    return user.is_staff or (user.is_verified_member and survey.is_closed())


def can_read_texts(user):
    return user.is_authenticated and user.is_staff


def can_export(user):
    return user.is_authenticated and user.is_staff
