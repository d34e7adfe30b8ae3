"""The one way to make documents (issue 16): a shared PDF base (A4, the district's header, the footer
with the title and "Halaman x dari y", Indonesian), the Word helpers both docx builders use, the
signature blocks, and the registry of report kinds behind ``konvergensi report``.

A base app: it imports no domain app. Domain apps register their kinds from ``AppConfig.ready()``
(:mod:`.registry`)."""
