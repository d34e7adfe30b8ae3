from konvergensi.cli import app

app(prog_name="konvergensi")
