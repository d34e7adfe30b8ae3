"""Standard exports (issue 19): pure builders of DHIS2 metadata and data values (:mod:`.dhis2`) and
FHIR R4 aggregate ``MeasureReport`` bundles (:mod:`.fhir`). Plain dataclasses in, JSON-able dicts out;
no Django. The Django side (reading the stored figures) is ``konvergensi.exports``; see docs/exports.md."""
