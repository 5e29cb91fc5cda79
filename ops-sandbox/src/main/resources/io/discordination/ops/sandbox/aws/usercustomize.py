"""AWS CLI fix of the Discordination sandbox, loaded by Python at start-up (as `usercustomize`)
in a shell that ran `eval "$(ops sandbox env)"`: its PYTHONPATH holds this folder.

aws-cli v1 pins a few services to a fixed AWS host unless --endpoint-url is on the command line
(rds, docdb and neptune in us-east-1: https://rds.amazonaws.com), ignoring AWS_ENDPOINT_URL. When
AWS_ENDPOINT_URL is set, this empties that pin table as the CLI loads it, so the endpoint from the
environment is used, as aws-cli v2 does: runbook commands such as `aws rds describe-db-instances`
reach the sandbox verbatim. Without AWS_ENDPOINT_URL, or in any other program, it does nothing.
"""
import os
import sys

_PINS = "awscli.customizations.overridesslcommonname"


class _UnpinWhenEndpointIsSet:
    def find_spec(self, name, path=None, target=None):
        if name != _PINS or not os.environ.get("AWS_ENDPOINT_URL"):
            return None
        from importlib.machinery import PathFinder

        spec = PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None:
            return spec
        load = spec.loader.exec_module

        def exec_module(module):
            load(module)
            getattr(module, "SSL_COMMON_NAMES", {}).clear()

        spec.loader.exec_module = exec_module
        return spec


sys.meta_path.insert(0, _UnpinWhenEndpointIsSet())
