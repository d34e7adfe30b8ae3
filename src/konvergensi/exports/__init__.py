"""Standard exports of a district (issue 19): DHIS2 and FHIR R4 documents built from the stored figures
by the pure builders of :mod:`konvergensi_core.exports`. No app (no models, URLs or templates): the
command line (``konvergensi export``) calls :mod:`.selectors`. See docs/exports.md."""
