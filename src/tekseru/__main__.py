"""`python -m tekseru` runs the command line, like the `tekseru` script."""

from tekseru.cli.main import app

app(prog_name="tekseru")
