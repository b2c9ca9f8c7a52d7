"""Run the neurosim command line inside a test, as a user's shell would see it."""

from neurosim.cli import main


def run_cli(capsys, *argv):
    """(exit status, stdout, stderr) of ``neurosim ARGV``; argparse's own errors count as an exit status, and a
    traceback in the output fails the test (a user must never see one)."""
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "Traceback" not in out
    return code, out, err
