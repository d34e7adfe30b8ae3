# The platform's one date format in English (see konvergensi.formats): "1 Mar 2026",
# "1 Mar 2026 01:30 WIB". Everything not set here is Django's own English format.
DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y H:i T"
TIME_FORMAT = "H:i T"
