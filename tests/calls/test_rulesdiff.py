from calls.rulesdiff import ADDED, REMOVED, SAME, Line, difference


def test_difference_shows_changed_paragraphs_with_one_around():
    old = "\n\n".join(["Uno.", "Due.", "Tre.", "Quattro.", "Cinque.", "Sei.", "Sette."])
    new = "\n\n".join(["Uno.", "Due.", "Tre rivisto.", "Quattro.", "Cinque.", "Sei.", "Sette.", "Otto."])

    assert difference(old, new) == [
        [Line(SAME, "Due."), Line(REMOVED, "Tre."), Line(ADDED, "Tre rivisto."), Line(SAME, "Quattro.")],
        [Line(SAME, "Sette."), Line(ADDED, "Otto.")],
    ]


def test_difference_of_the_same_text_is_empty_whatever_the_line_ends():
    assert difference("Uno.\r\n\r\nDue.", "Uno.\n\n\n\nDue.") == []
