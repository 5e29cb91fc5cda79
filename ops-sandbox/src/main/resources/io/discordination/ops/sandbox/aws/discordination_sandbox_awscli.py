"""AWS CLI v1 plugin of the Discordination sandbox (loaded through the sandbox's AWS_CONFIG_FILE).

aws-cli v1 pins a few services to a fixed AWS host unless --endpoint-url is given on the command
line (rds, docdb and neptune in us-east-1: https://rds.amazonaws.com), ignoring AWS_ENDPOINT_URL.
For those services this plugin takes AWS_ENDPOINT_URL_<SERVICE> or AWS_ENDPOINT_URL as if it had
been given with --endpoint-url, as aws-cli v2 does, so runbook commands such as
`aws rds describe-db-instances ...` reach the sandbox verbatim. Other services are left alone.
"""
import os

try:
    from awscli.customizations.overridesslcommonname import SSL_COMMON_NAMES as _PINNED
except ImportError:  # a CLI without the pinning needs nothing from this plugin
    _PINNED = {}


def awscli_initialize(cli):
    # runs before the CLI's own pinning handler, which keeps an endpoint that is already set
    cli.register("before-building-argument-table-parser", _endpoint_from_environment)


def _endpoint_from_environment(session, parsed_globals, **kwargs):
    service = getattr(parsed_globals, "command", None)
    if service not in _PINNED or getattr(parsed_globals, "endpoint_url", None):
        return
    wanted = os.environ.get("AWS_ENDPOINT_URL_" + service.upper().replace("-", "_")) or os.environ.get("AWS_ENDPOINT_URL")
    if wanted:
        parsed_globals.endpoint_url = wanted
