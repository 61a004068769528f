"""Password rules beyond length and the common-password list: not guessable from who the person is.

Django's ``UserAttributeSimilarityValidator`` compares the password with the User's user name, names and e-mail,
but splits values on non-word characters, which cuts Thai words apart at their vowel marks, and does not know the
person's Thai name (``agencies.Person``).  This validator

1. runs Django's check on the user name, first and last name and e-mail;
2. refuses a password that contains (4 characters or more) or is very like the user name, the e-mail (or its
   part before ``@``), the person's Thai full name or any word of it;
3. refuses a password that is nothing but such words, the system's own names (prongsai, โปร่งใส, ITA, OIT …),
   digits and punctuation: ``somchai2567``, ``ita2563ita``, ``Prongsai-2570!``.
"""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher

from django.contrib.auth.password_validation import UserAttributeSimilarityValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

#: words anyone can guess for this system
SYSTEM_WORDS = (  # thai-data: words looked for inside a password, never shown
    "prongsai",
    "โปร่งใส",
    "ita",
    "oit",
    "iit",
    "eit",
    "obec",
    "สพฐ",
    "password",
    "admin",
)
#: titles written before a Thai name, often without a space ("นางอลินดา"): the name without them counts too
THAI_TITLES = (  # thai-data: name titles taken off a user's name before matching, never shown
    "ว่าที่ร้อยตรี",
    "นางสาว",
    "ว่าที่",
    "นาง",
    "นาย",
    "ดร.",
    "ผศ.",
    "รศ.",
    "ศ.",
    "น.ส.",
)
#: at least this many characters must remain once guessable words, digits and punctuation are taken out
MIN_OWN_CHARACTERS = 4


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", text or "").casefold().strip()


def personal_words(user) -> list[str]:
    """Values and words of the user's identity that a password must not be built from (3 characters or more)."""
    if user is None:
        return []
    values = [
        getattr(user, "username", ""),
        getattr(user, "first_name", ""),
        getattr(user, "last_name", ""),
        getattr(user, "email", ""),
    ]
    email = getattr(user, "email", "") or ""
    if "@" in email:
        values.append(email.split("@", 1)[0])
    try:
        person = user.person
    except Exception:  # noqa: BLE001 - no Person row (a plain Django user), or an unsaved user
        person = None
    if person is not None:
        values.append(person.full_name_th)
    words: list[str] = []
    for value in values:
        folded = _fold(value)
        words.append(folded)
        for word in re.split(r"[\s@._\-+]+", folded):
            words.append(word)
            words.extend(word[len(title) :] for title in THAI_TITLES if word.startswith(title))
    return sorted({w for w in words if len(w) >= 3}, key=len, reverse=True)


class PersonAttributeSimilarityValidator(UserAttributeSimilarityValidator):
    def validate(self, password, user=None):
        super().validate(password, user)  # Django's own comparison with the User's attributes
        folded = _fold(password)
        words = personal_words(user)
        for word in words:
            if (len(word) >= 4 and word in folded) or SequenceMatcher(a=folded, b=word).ratio() >= 0.8:
                raise ValidationError(
                    _("The password must not contain your name, user name or e-mail address."),
                    code="password_too_similar",
                )
        rest = folded
        for word in [*words, *SYSTEM_WORDS]:
            rest = rest.replace(word, "")
        own = [ch for ch in rest if unicodedata.category(ch)[0] not in "NPZS"]
        if len(own) < MIN_OWN_CHARACTERS:
            raise ValidationError(
                _(
                    "The password is made only of easy-to-guess parts (names, the system's name, years or digits). "
                    "Add words of your own."
                ),
                code="password_guessable",
            )

    def get_help_text(self):
        return _(
            "Your password must not contain your name, user name or e-mail address, or be made only of "
            "names, years and digits."
        )
