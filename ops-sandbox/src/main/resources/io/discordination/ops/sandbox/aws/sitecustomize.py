# Loaded by the sandbox's moto_server through PYTHONPATH (Python imports sitecustomize at start).
# It closes the gaps between moto 5.2.1 and real AWS that the runbooks can see; each gap and what
# real AWS does is described in docs/sandbox.md ("What we measured in moto"). Nothing here runs
# in any other Python process.
import sys
import uuid

_applied = []


def _note(name):
    _applied.append(name)


try:
    from datetime import datetime, timezone

    from moto.core.responses import ActionResult
    from moto.ecs import models as _ecs
    from moto.ecs import responses as _ecs_responses

    _Backend = _ecs.EC2ContainerServiceBackend

    def _now():
        return datetime.now(timezone.utc)

    # ECS services: moto creates them with runningCount 0 and a deployment that never completes.
    # Real services with healthy tasks report runningCount == desiredCount and one COMPLETED deployment.
    def _settle(service, message=None):
        service.running_count = service.desired_count
        service.pending_count = 0
        for deployment in service.deployments:
            deployment["desiredCount"] = service.desired_count
            deployment["runningCount"] = service.desired_count
            deployment["pendingCount"] = 0
            deployment["failedTasks"] = 0
            deployment["rolloutState"] = "COMPLETED"
            deployment["rolloutStateReason"] = "ECS deployment %s completed." % deployment["id"]
            deployment["taskDefinition"] = service.task_definition
            deployment["updatedAt"] = _now()
        events = list(service.events or [])
        for text in ([message] if message else []) + ["(service %s) has reached a steady state." % service.name]:
            events.insert(0, {"id": str(uuid.uuid4()), "createdAt": _now(), "message": text})
        service.events = events[:100]

    _orig_service_init = _ecs.Service.__init__

    def _service_init(self, *args, **kwargs):
        _orig_service_init(self, *args, **kwargs)
        _settle(self)

    _orig_update_service = _Backend.update_service

    def _update_service(self, service_properties):
        force = bool(service_properties.get("force_new_deployment"))
        task_definition = service_properties.get("task_definition")
        service = _orig_update_service(self, service_properties)
        if task_definition:
            service.task_definition = self.describe_task_definition(task_definition).arn
        message = None
        if force or task_definition:
            message = "(service %s) has started 1 tasks: (deployment %s)." % (service.name, service.deployments[0]["id"]) if service.deployments else None
        _settle(service, message)
        return service

    _ecs.Service.__init__ = _service_init
    _Backend.update_service = _update_service
    _note("ecs-service-steady-state")

    # ECS tasks: timestamps, container status and exit codes as ECS reports them.
    _orig_task_init = _ecs.Task.__init__

    def _task_init(self, *args, **kwargs):
        _orig_task_init(self, *args, **kwargs)
        now = _now()
        self.created_at = now
        self.started_at = now
        self.pull_started_at = now
        self.pull_stopped_at = now
        self.connectivity = "CONNECTED"
        self.connectivity_at = now
        for container in self.containers:
            container.last_status = "RUNNING"
            container.exitCode = None
            container.runtime_id = self.id.replace("-", "")[:32]

    _orig_stop_task = _Backend.stop_task

    def _stop_task(self, cluster_str, task_str, reason):
        task = _orig_stop_task(self, cluster_str, task_str, reason)
        now = _now()
        tags = {t.get("key"): t.get("value") for t in (task.tags or [])}
        exit_code = tags.get("sandbox:exit-code")
        task.stopping_at = now
        task.stopped_at = now
        task.execution_stopped_at = now
        if exit_code is not None:
            # the sandbox agent ends one-off tasks this way, as ECS does when the container exits
            task.stop_code = "EssentialContainerExited"
            code = int(exit_code)
            task.tags = [t for t in task.tags if t.get("key") != "sandbox:exit-code"]
        elif (reason or "").startswith("Scaling activity") or "deployment" in (reason or ""):
            task.stop_code = "ServiceSchedulerInitiated"
            code = 143
        else:
            task.stop_code = "UserInitiated"
            code = 143
        for container in task.containers:
            container.last_status = "STOPPED"
            container.exitCode = code
        return task

    # run-task without --launch-type uses the cluster's default capacity provider strategy (FARGATE).
    _orig_run_task = _Backend.run_task

    def _run_task(self, cluster_str, task_definition_str, count, overrides, started_by, tags, launch_type, *rest, **kwargs):
        if not launch_type:
            cluster = self._get_cluster(cluster_str)
            strategy = getattr(cluster, "default_capacity_provider_strategy", None) or []
            if any(str(s.get("capacityProvider", "")).startswith("FARGATE") for s in strategy) \
                    or not self.container_instances.get(cluster.name):
                launch_type = "FARGATE"
        return _orig_run_task(self, cluster_str, task_definition_str, count, overrides, started_by, tags, launch_type, *rest, **kwargs)

    # list-tasks: --service-name filters (moto ignores it) and the default is desired status RUNNING.
    _orig_list_tasks = _Backend.list_tasks

    def _list_tasks(self, cluster_str=None, container_instance=None, family=None, started_by=None,
                    service_name=None, desiredStatus=None):
        tasks = _orig_list_tasks(self, cluster_str, container_instance, family, started_by, None, desiredStatus)
        if service_name:
            group = "service:" + service_name.split("/")[-1]
            tasks = [t for t in tasks if t.group == group]
        return tasks

    def _list_tasks_response(self):
        tasks = self.ecs_backend.list_tasks(
            self._get_param("cluster", "default"),
            self._get_param("containerInstance"),
            self._get_param("family"),
            self._get_param("startedBy"),
            self._get_param("serviceName"),
            self._get_param("desiredStatus") or "RUNNING",
        )
        return ActionResult({"taskArns": [t.task_arn for t in tasks]})

    _ecs.Task.__init__ = _task_init
    _Backend.stop_task = _stop_task
    _Backend.run_task = _run_task
    _Backend.list_tasks = _list_tasks
    _ecs_responses.EC2ContainerServiceResponse.list_tasks = _list_tasks_response
    _note("ecs-tasks")
except Exception as error:  # moto changed: run unpatched rather than not at all
    sys.stderr.write("sandbox: moto ECS patches NOT applied: %r\n" % (error,))

try:
    from datetime import datetime, timezone

    from moto.rds import models as _rds

    # Seeded snapshots carry their historical creation time in a tag that is removed here,
    # so `describe-db-snapshots` shows snapshots taken over past days, as in production.
    _orig_snapshot_init = _rds.DBSnapshot.__init__

    def _snapshot_init(self, *args, **kwargs):
        _orig_snapshot_init(self, *args, **kwargs)
        wanted = [t for t in (self.tags or []) if t.get("Key") == "sandbox:created-at"]
        if wanted:
            created = datetime.fromisoformat(wanted[0]["Value"].replace("Z", "+00:00"))
            if getattr(self.created, "tzinfo", None) is None:
                created = created.astimezone(timezone.utc).replace(tzinfo=None)
            self.created = created
            self.original_snapshot_create_time = created
            self.tags = [t for t in self.tags if t.get("Key") != "sandbox:created-at"]

    _rds.DBSnapshot.__init__ = _snapshot_init
    _note("rds-snapshot-times")
except Exception as error:
    sys.stderr.write("sandbox: moto RDS patch NOT applied: %r\n" % (error,))

try:
    import json
    import os
    import threading
    import time
    import urllib.request

    from moto.secretsmanager import models as _sm
    from moto.secretsmanager.exceptions import (InvalidParameterException, InvalidRequestException,
                                                ResourceNotFoundException, SecretNotFoundException)

    _SmBackend = _sm.SecretsManagerBackend

    # Secrets Manager rotation. moto invokes a rotation Lambda through its Lambda emulation (Docker,
    # not available here) and, without one, makes an empty AWSCURRENT version. As in AWS, RotateSecret
    # here attaches AWSPENDING to a new version without a value, returns at once, and then invokes the
    # rotation function once per step (createSecret, setSecret, testSecret, finishSecret), each after
    # the previous one succeeded; after finishSecret it removes AWSPENDING. The functions are played by
    # the sandbox agent (POST /sandbox/lambda/<function name>, the Lambda event as body). A failed step
    # ends the rotation with AWSPENDING left in place, as in AWS.
    def _agent_url():
        state_file = os.path.join(os.environ.get("SANDBOX_DIR", ""), "sandbox.json")
        with open(state_file) as f:
            port = json.load(f)["servers"]["agent"]["port"]
        return "http://127.0.0.1:%d" % port

    def _invoke(function_arn, event):
        name = function_arn.split(":function:")[-1].split(":")[0]
        request = urllib.request.Request(_agent_url() + "/sandbox/lambda/" + name, data=json.dumps(event).encode("utf-8"),
                                         headers={"Content-Type": "application/json"}, method="POST")
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.read().decode("utf-8")

    def _rotate_in_background(secret, function_arn, token):
        try:
            for step in ("createSecret", "setSecret", "testSecret", "finishSecret"):
                _invoke(function_arn, {"Step": step, "SecretId": secret.arn, "ClientRequestToken": token})
            version = secret.versions.get(token)
            if version and "AWSPENDING" in version["version_stages"]:
                version["version_stages"].remove("AWSPENDING")
            secret.last_rotation_date = time.time()
            sys.stderr.write("sandbox: rotation of %s finished: version %s is AWSCURRENT\n" % (secret.name, token))
        except Exception as error:  # the function failed: the rotation stays incomplete, as in AWS
            detail = error.read().decode("utf-8", "replace") if hasattr(error, "read") else repr(error)
            sys.stderr.write("sandbox: rotation of %s failed at version %s: %s\n" % (secret.name, token, detail))
        sys.stderr.flush()

    _orig_rotate_secret = _SmBackend.rotate_secret

    def _rotate_secret(self, secret_id, client_request_token=None, rotation_lambda_arn=None, rotation_rules=None,
                       rotate_immediately=True):
        if not self._is_valid_identifier(secret_id):
            raise SecretNotFoundException()
        secret = self.secrets[secret_id]
        function_arn = rotation_lambda_arn or getattr(secret, "rotation_lambda_arn", "")
        if not function_arn or isinstance(secret, _sm.ReplicaSecret) or secret.is_deleted():
            return _orig_rotate_secret(self, secret_id, client_request_token, rotation_lambda_arn, rotation_rules,
                                       rotate_immediately)
        if len(function_arn) > 2048:
            raise InvalidParameterException("RotationLambdaARN must <= 2048 characters long.")
        from moto.awslambda.utils import get_backend
        try:
            get_backend(self.account_id, self.region_name).get_function(function_arn)
        except Exception:
            raise ResourceNotFoundException("Resource not found for ARN '%s'." % function_arn)
        pending = [v for v in secret.versions.values() if "AWSPENDING" in v["version_stages"]
                   and "AWSCURRENT" not in v["version_stages"]]
        if pending:
            raise InvalidRequestException("A previous rotation isn't complete. That rotation will be reattempted.")
        days = (rotation_rules or {}).get("AutomaticallyAfterDays")
        if days is not None:
            if days < 1 or days > 1000:
                raise InvalidParameterException("RotationRules.AutomaticallyAfterDays must be within 1-1000.")
            secret.auto_rotate_after_days = days
        secret.rotation_requested = True
        secret.rotation_enabled = True
        secret.rotation_lambda_arn = function_arn
        if secret.auto_rotate_after_days:
            secret.next_rotation_date = int(time.time()) + secret.auto_rotate_after_days * 86400
        if not rotate_immediately:
            # AWS then only tests the configuration (a testSecret run on a throw-away version); the
            # sandbox records the configuration and rotates at the next RotateSecret
            return json.dumps({"ARN": secret.arn, "Name": secret.name})
        if client_request_token:
            self._client_request_token_validator(client_request_token)
            token = client_request_token
        else:
            token = str(_sm.mock_random.uuid4())
        secret.remove_version_stages_from_old_versions(["AWSPENDING"])
        secret.versions[token] = {"createdate": int(time.time()), "version_id": token, "version_stages": ["AWSPENDING"]}
        threading.Thread(target=_rotate_in_background, args=(secret, function_arn, token), daemon=True).start()
        return json.dumps({"ARN": secret.arn, "Name": secret.name, "VersionId": token})

    # Moving AWSCURRENT with UpdateSecretVersionStage leaves moto's default version behind, so
    # GetSecretValue without a stage would still return the old value.
    _orig_update_stage = _SmBackend.update_secret_version_stage

    def _update_secret_version_stage(self, secret_id, version_stage, remove_from_version_id, move_to_version_id):
        result = _orig_update_stage(self, secret_id, version_stage, remove_from_version_id, move_to_version_id)
        if version_stage == "AWSCURRENT" and move_to_version_id:
            self.secrets[secret_id].set_default_version_id(move_to_version_id)
        return result

    # ListSecretVersionIds reports "now" as every version's CreatedDate; AWS reports when it was created.
    def _list_secret_version_ids(self, secret_id):
        if not self._is_valid_identifier(secret_id):
            raise SecretNotFoundException()
        secret = self.secrets[secret_id]
        versions = [{"CreatedDate": v.get("createdate"), "VersionId": version_id, "VersionStages": v["version_stages"]}
                    for version_id, v in secret.versions.items()]
        return json.dumps({"ARN": secret.arn, "Name": secret.name, "Versions": versions})

    _SmBackend.list_secret_version_ids = _list_secret_version_ids
    _SmBackend.rotate_secret = _rotate_secret
    _SmBackend.update_secret_version_stage = _update_secret_version_stage
    _note("secretsmanager-rotation")
except Exception as error:
    sys.stderr.write("sandbox: moto Secrets Manager patch NOT applied: %r\n" % (error,))

try:
    import logging

    # one line per request makes the log grow without telling anything; errors still show
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
except Exception:
    pass

sys.stderr.write("sandbox: moto patches applied: %s\n" % ", ".join(_applied))
sys.stderr.flush()
