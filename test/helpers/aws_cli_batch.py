"""Runs many AWS CLI commands in one Python process: the same entry point as `aws` (argument and
shorthand parsing, parameter validation, botocore, JSON output), without starting Python for each.

  python3 aws_cli_batch.py < [["deploy", "list-applications", "--endpoint-url", URL], ...]
prints [{"code": exit code, "stdout": ..., "stderr": ...}, ...]
"""
import contextlib
import io
import json
import sys

from awscli.clidriver import create_clidriver

# One driver per profile: a driver keeps its session (and the profile's credentials) between commands.
drivers = {}
results = []
for argv in json.load(sys.stdin):
    profile = argv[argv.index('--profile') + 1] if '--profile' in argv else ''
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            if profile not in drivers:
                drivers[profile] = create_clidriver()
            code = drivers[profile].main(argv)
        except SystemExit as exit:
            code = exit.code if isinstance(exit.code, int) else 2
    results.append({'code': code, 'stdout': out.getvalue(), 'stderr': err.getvalue()})
json.dump(results, sys.stdout)
