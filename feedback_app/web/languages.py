"""The languages the product ships in (no Flask here, so config can import it)."""

#: Languages respondents can choose: interface and bundled questionnaires are
#: fully translated (tests/project/test_translations_catalog.py fails otherwise).
SHIPPED_LANGUAGES = ("en", "cy", "pl", "ro", "ur", "ar", "bn", "pa", "so", "uk")

#: Written right to left.
RTL_LANGUAGES = frozenset({"ar", "ur", "fa", "he", "ps"})

#: Each language's name in itself, for the language switcher.
NATIVE_NAMES = {
    "en": "English",
    "cy": "Cymraeg",
    "pl": "Polski",
    "ro": "Română",
    "ur": "اردو",
    "ar": "العربية",
    "bn": "বাংলা",
    "pa": "ਪੰਜਾਬੀ",
    "so": "Soomaali",
    "uk": "Українська",
}
