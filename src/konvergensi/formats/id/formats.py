# The platform's one date format in Indonesian (see konvergensi.formats): "1 Mar 2026",
# "1 Mar 2026 01.30 WIB" (the time with a dot, as Indonesian writes it, and the zone's name).
# Everything not set here is Django's own Indonesian format.
DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y H.i T"
TIME_FORMAT = "H.i T"
