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

    # Deployments whose tasks cannot start (id -> the image that cannot be pulled): a service tagged
    # sandbox:fail-next-rollout gets its next deployment's tasks failing, as when the new image is
    # missing from the registry. What follows is ECS's: the old deployment keeps its tasks
    # (minimumHealthyPercent 100), each new task stops with TaskFailedToStart and counts in the new
    # deployment's failedTasks, and with the deployment circuit breaker on, the deployment turns
    # FAILED once failedTasks reaches the threshold, max(3, min(200, ceil(0.5 x desiredCount))).
    _failing_deployments = {}

    def _circuit_breaker(service):
        config = getattr(service, "deployment_configuration", None) or {}
        return config.get("deploymentCircuitBreaker") or {}

    def _failure_threshold(desired):
        return max(3, min(200, -(-desired // 2)))

    def _update_service(self, service_properties):
        force = bool(service_properties.get("force_new_deployment"))
        task_definition = service_properties.get("task_definition")
        name = service_properties.get("service", "").split("/")[-1]
        try:
            before = self._get_service(service_properties.get("cluster", "default"), name)
            previous = dict(before.deployments[0]) if before.deployments else None
            previous_task_definition = before.task_definition
        except Exception:
            previous, previous_task_definition = None, None
        service = _orig_update_service(self, service_properties)
        if task_definition:
            service.task_definition = self.describe_task_definition(task_definition).arn
        new_deployment = force or task_definition
        message = None
        if new_deployment:
            if service.deployments and task_definition and previous and service.deployments[0]["id"] == previous["id"]:
                # a new task definition is a new deployment, with its own id
                service.deployments[0]["id"] = "ecs-svc/%d" % (uuid.uuid4().int % (32 ** 12))
            message = "(service %s) has started 1 tasks: (deployment %s)." % (service.name, service.deployments[0]["id"]) if service.deployments else None
        tags = {t.get("key"): t.get("value") for t in (service.tags or [])}
        if new_deployment and "sandbox:fail-next-rollout" in tags and service.deployments and previous:
            service.tags = [t for t in service.tags if t.get("key") != "sandbox:fail-next-rollout"]
            primary = service.deployments[0]
            now = _now()
            primary.update({"status": "PRIMARY", "desiredCount": service.desired_count, "runningCount": 0,
                            "pendingCount": service.desired_count, "failedTasks": 0, "rolloutState": "IN_PROGRESS",
                            "rolloutStateReason": "ECS deployment %s in progress." % primary["id"],
                            "taskDefinition": service.task_definition, "createdAt": now, "updatedAt": now})
            active = dict(previous)
            active.update({"status": "ACTIVE", "taskDefinition": previous_task_definition, "updatedAt": now})
            service.deployments = [primary, active]
            service.running_count = service.desired_count
            service.pending_count = 0
            definition = self.describe_task_definition(service.task_definition)
            image = definition.container_definitions[0].get("image", "?") if definition.container_definitions else "?"
            _failing_deployments[primary["id"]] = image
            events = list(service.events or [])
            events.insert(0, {"id": str(uuid.uuid4()), "createdAt": now, "message": message})
            service.events = events[:100]
            return service
        if new_deployment and "sandbox:degraded" in tags:
            # the drill's incident ends with a new deployment: its tasks start healthy
            service.tags = [t for t in service.tags if t.get("key") != "sandbox:degraded"]
        if new_deployment and service.deployments:
            # the new deployment replaces every earlier one
            service.deployments = service.deployments[:1]
            _failing_deployments.pop(service.deployments[0]["id"], None)
        _settle(service, message)
        return service

    def _tasks_failed_to_start(backend, tasks, deployment_id):
        image = _failing_deployments.get(deployment_id)
        group = tasks[0].group if tasks else ""
        service = next((s for s in backend.services.values() if "service:" + s.name == group), None)
        now = _now()
        for task in tasks:
            task.desired_status = "STOPPED"
            task.last_status = "STOPPED"
            task.stop_code = "TaskFailedToStart"
            task.stopped_reason = ("CannotPullContainerError: pull image manifest has been retried 5 time(s): "
                                   "failed to resolve ref %s: not found" % image)
            task.stopping_at = now
            task.stopped_at = now
            task.execution_stopped_at = now
            task.health_status = "UNKNOWN"
            for container in task.containers:
                container.last_status = "STOPPED"
                container.reason = task.stopped_reason
        if service is None:
            return
        deployment = next((d for d in service.deployments if d["id"] == deployment_id), None)
        if deployment is None or deployment.get("rolloutState") == "FAILED":
            return
        deployment["failedTasks"] = deployment.get("failedTasks", 0) + len(tasks)
        deployment["pendingCount"] = 0
        deployment["updatedAt"] = now
        events = list(service.events or [])
        for task in tasks:
            events.insert(0, {"id": str(uuid.uuid4()), "createdAt": now,
                              "message": "(service %s) has started 1 tasks: (task %s)." % (service.name, task.id)})
        breaker = _circuit_breaker(service)
        if breaker.get("enable") and deployment["failedTasks"] >= _failure_threshold(service.desired_count):
            deployment["rolloutState"] = "FAILED"
            deployment["rolloutStateReason"] = "ECS deployment circuit breaker: tasks failed to start."
            events.insert(0, {"id": str(uuid.uuid4()), "createdAt": now,
                              "message": "(service %s) (deployment %s) deployment failed: tasks failed to start." % (
                                  service.name, deployment_id)})
        service.events = events[:100]

    # Drills: an ECS service tagged sandbox:degraded=health-checks (api) or =memory (gateway) shows
    # what ECS shows while its tasks keep failing: fewer running than desired, a rollout in progress,
    # the events of tasks being replaced, its running tasks UNHEALTHY. Only a new deployment (above)
    # or removing the tag ends it.
    def _degrade(backend, service, kind):
        desired = service.desired_count
        service.running_count = max(0, desired - 1)
        service.pending_count = 1 if desired > 0 else 0
        for deployment in service.deployments:
            deployment["runningCount"] = service.running_count
            deployment["pendingCount"] = service.pending_count
            deployment["failedTasks"] = deployment.get("failedTasks", 0) + desired * 3
            deployment["rolloutState"] = "IN_PROGRESS"
            deployment["rolloutStateReason"] = "ECS deployment %s in progress." % deployment["id"]
            deployment["updatedAt"] = _now()
        group = "service:" + service.name
        tasks = [t for t in backend.list_tasks(service.cluster_name, None, None, None, None, "RUNNING") if t.group == group]
        events = list(service.events or [])
        for task in tasks:
            task.health_status = "UNHEALTHY"
            if kind == "memory":
                text = ("(service %s) (task %s) stopped: OutOfMemoryError: Container killed due to memory usage (exit code 137)."
                        % (service.name, task.id))
            else:
                text = ("(service %s) (port 4000) is unhealthy in (target-group arn:aws:elasticloadbalancing:us-east-1:123456789012:"
                        "targetgroup/discordination-%s/6d0ecf831eec9f09) due to (reason Health checks failed with these codes: [502])."
                        % (service.name, service.name))
            events.insert(0, {"id": str(uuid.uuid4()), "createdAt": _now(), "message": text})
            events.insert(0, {"id": str(uuid.uuid4()), "createdAt": _now(),
                              "message": "(service %s) has started 1 tasks: (task %s)." % (service.name, task.id)})
        service.events = events[:100]

    _orig_tag_resource = _Backend.tag_resource

    def _tag_resource(self, resource_arn, tags):
        _orig_tag_resource(self, resource_arn, tags)
        wanted = [t.get("value") for t in (tags or []) if t.get("key") == "sandbox:degraded"]
        if wanted and ":service/" in resource_arn:
            parsed = self._parse_resource_arn(resource_arn)
            _degrade(self, self._get_resource(resource_arn, parsed), wanted[0])

    _ecs.Service.__init__ = _service_init
    _Backend.tag_resource = _tag_resource
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
        tasks = _orig_run_task(self, cluster_str, task_definition_str, count, overrides, started_by, tags, launch_type, *rest, **kwargs)
        if started_by in _failing_deployments:
            _tasks_failed_to_start(self, tasks, started_by)
        return tasks

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
    import json as _json
    import re as _re
    from datetime import datetime as _dt, timezone as _tz

    from moto.core.exceptions import JsonRESTError
    from moto.logs import models as _logs
    from moto.logs.exceptions import InvalidParameterException as _InvalidParameter
    from moto.logs.exceptions import ResourceNotFoundException as _LogsNotFound

    # CloudWatch Logs Insights: moto 5.2.1 parses only `fields`, `sort @timestamp` and `limit`.
    # This is the subset the runbooks use, with the documented semantics: parse (glob and regex),
    # filter (comparisons, like, ispresent, and/or/not), stats (count, sum, avg, min, max) by
    # fields, sort, limit, fields/display; results as lists of {field, value} and statistics.

    class _QueryError(Exception):
        pass

    # where a / opens a regular expression rather than dividing
    _REGEX_MAY_START = _re.compile(r"(^|\blike|\bparse\s+[@\w.]+|[=~(,])\s*$", _re.I)

    def _split_top(text, sep):
        """Splits on `sep` outside quotes, /regex/ and parentheses."""
        parts, cur, quote, depth, i = [], [], None, 0, 0
        while i < len(text):
            c = text[i]
            if quote:
                cur.append(c)
                if c == "\\" and i + 1 < len(text):
                    cur.append(text[i + 1])
                    i += 1
                elif c == quote:
                    quote = None
            elif c in "\"'`" or (c == "/" and _REGEX_MAY_START.search("".join(cur))):
                quote = c
                cur.append(c)
            elif c == "(":
                depth += 1
                cur.append(c)
            elif c == ")":
                depth -= 1
                cur.append(c)
            elif c == sep and depth == 0:
                parts.append("".join(cur))
                cur = []
            else:
                cur.append(c)
            i += 1
        parts.append("".join(cur))
        return [p.strip() for p in parts]

    def _unquote(text):
        text = text.strip()
        if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'`":
            return _re.sub(r"\\(.)", r"\1", text[1:-1])
        return text

    def _number(value):
        if isinstance(value, (int, float)):
            return value
        try:
            return float(value)
        except (TypeError, ValueError):
            return None

    _TOKEN = _re.compile(r"""\s*(?:(?P<num>-?\d+(?:\.\d+)?)(?![\w.])|(?P<str>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')|(?P<re>/(?:[^/\\]|\\.)*/)|(?P<op><=|>=|!=|==|=|<|>|\(|\)|,|\[|\])|(?P<word>[@\w.$-]+))""")

    class _Expr:
        """A filter expression: comparisons, like, in, ispresent(), and/or/not, parentheses."""

        def __init__(self, text):
            self.tokens = []
            pos = 0
            while pos < len(text):
                if text[pos:].strip() == "":
                    break
                m = _TOKEN.match(text, pos)
                if not m or m.end() == pos:
                    raise _QueryError("unexpected text in filter: %s" % text[pos:])
                kind = m.lastgroup
                self.tokens.append((kind, m.group(kind)))
                pos = m.end()
            self.i = 0
            self.tree = self._or()
            if self.i != len(self.tokens):
                raise _QueryError("unexpected text in filter near %r" % (self.tokens[self.i][1],))

        def _peek(self, value=None):
            if self.i >= len(self.tokens):
                return None
            tok = self.tokens[self.i]
            if value is None or tok[1].lower() == value:
                return tok
            return None

        def _take(self):
            tok = self.tokens[self.i]
            self.i += 1
            return tok

        def _or(self):
            left = self._and()
            while self._peek("or"):
                self._take()
                right = self._and()
                left = ("or", left, right)
            return left

        def _and(self):
            left = self._not()
            while self._peek("and"):
                self._take()
                right = self._not()
                left = ("and", left, right)
            return left

        def _not(self):
            if self._peek("not"):
                self._take()
                return ("not", self._not())
            return self._comparison()

        def _comparison(self):
            if self._peek("("):
                self._take()
                inner = self._or()
                if not self._peek(")"):
                    raise _QueryError("missing ) in filter")
                self._take()
                return inner
            left = self._value()
            tok = self._peek()
            if tok and tok[0] == "op" and tok[1] in ("=", "==", "!=", "<", "<=", ">", ">="):
                self._take()
                return ("cmp", tok[1], left, self._value())
            if tok and tok[1].lower() == "not" and self.i + 1 < len(self.tokens) and self.tokens[self.i + 1][1].lower() in ("like", "in"):
                self._take()
                return ("not", self._like_or_in(left))
            if tok and tok[1].lower() in ("like", "in"):
                return self._like_or_in(left)
            return ("truthy", left)

        def _like_or_in(self, left):
            word = self._take()[1].lower()
            if word == "like":
                kind, value = self._take()
                if kind == "re":
                    body = value[1:-1]
                    return ("like", left, _re.compile(body))
                return ("like", left, _re.compile(_re.escape(_unquote(value))))
            if not self._peek("["):
                raise _QueryError("in needs a [list]")
            self._take()
            items = []
            while not self._peek("]"):
                items.append(self._value())
                if self._peek(","):
                    self._take()
            self._take()
            return ("in", left, items)

        def _value(self):
            kind, value = self._take()
            if kind == "num":
                return ("lit", float(value) if "." in value else int(value))
            if kind == "str":
                return ("lit", _unquote(value))
            if kind == "word" and self._peek("("):
                self._take()
                args = []
                while not self._peek(")"):
                    args.append(self._value())
                    if self._peek(","):
                        self._take()
                self._take()
                return ("call", value.lower(), args)
            if kind == "word":
                return ("field", value.strip("`"))
            raise _QueryError("unexpected %r in filter" % value)

        def eval(self, record, node=None):
            node = self.tree if node is None else node
            op = node[0]
            if op == "or":
                return self.eval(record, node[1]) or self.eval(record, node[2])
            if op == "and":
                return self.eval(record, node[1]) and self.eval(record, node[2])
            if op == "not":
                return not self.eval(record, node[1])
            if op == "truthy":
                v = self._get(record, node[1])
                return v is not None and v is not False and v != ""
            if op == "like":
                v = self._get(record, node[1])
                return v is not None and node[2].search(str(v)) is not None
            if op == "in":
                v = self._get(record, node[1])
                return any(_equal(v, self._get(record, item)) for item in node[2])
            a, b = self._get(record, node[2]), self._get(record, node[3])
            if a is None or b is None:
                return False
            if node[1] in ("=", "=="):
                return _equal(a, b)
            if node[1] == "!=":
                return not _equal(a, b)
            na, nb = _number(a), _number(b)
            if na is not None and nb is not None:
                a, b = na, nb
            else:
                a, b = str(a), str(b)
            return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[node[1]]

        def _get(self, record, node):
            if node[0] == "lit":
                return node[1]
            if node[0] == "field":
                return record.get(node[1])
            name, args = node[1], [self._get(record, a) for a in node[2]]
            if name == "ispresent":
                return args[0] is not None
            if name == "isempty":
                return args[0] is None or args[0] == ""
            if name == "tolower":
                return None if args[0] is None else str(args[0]).lower()
            if name == "toupper":
                return None if args[0] is None else str(args[0]).upper()
            raise _QueryError("unsupported function %s()" % name)

    def _equal(a, b):
        if a is None or b is None:
            return False
        na, nb = _number(a), _number(b)
        if na is not None and nb is not None:
            return na == nb
        return str(a) == str(b)

    def _glob_regex(glob):
        # each * captures (lazily, the last one to the end of the line when nothing follows it)
        pieces = glob.split("*")
        out = []
        for n, piece in enumerate(pieces):
            out.append(_re.escape(piece))
            if n < len(pieces) - 1:
                out.append("(.*)" if n == len(pieces) - 2 and pieces[-1] == "" else "(.*?)")
        return _re.compile("".join(out))

    _STAT = _re.compile(r"^(count|sum|avg|min|max|count_distinct)\((.*?)\)(?:\s+as\s+([\w@.]+))?$", _re.I)

    class _Query:
        def __init__(self, text):
            self.steps = []
            self.display = None
            self.stats = None
            self.sorts = []
            self.limit = None
            for command in _split_top(text, "|"):
                if not command:
                    continue
                m = _re.match(r"^(\w+)\s*(.*)$", command, _re.S)
                if not m:
                    raise _QueryError("cannot read the command %r" % command)
                verb, rest = m.group(1).lower(), m.group(2).strip()
                if verb in ("fields", "display"):
                    names = []
                    for item in _split_top(rest, ","):
                        am = _re.match(r"^(.*?)\s+as\s+([\w@.]+)$", item)
                        names.append((am.group(1).strip(), am.group(2)) if am else (item.strip(), item.strip()))
                    if self.stats is None:
                        self.display = names if verb == "display" or self.display is None else self.display + names
                    for src, dst in names:
                        if src != dst:
                            self.steps.append(("rename", src, dst))
                elif verb == "parse":
                    pm = _re.match(r"^([@\w.]+)\s+(.*)$", rest, _re.S)
                    if not pm:
                        raise _QueryError("parse needs a field and a pattern")
                    source, pattern = pm.group(1), pm.group(2).strip()
                    if pattern.startswith("/"):
                        end = pattern.rfind("/")
                        body = _re.sub(r"\(\?<([A-Za-z_]\w*)>", r"(?P<\1>", pattern[1:end])
                        regex = _re.compile(body)
                        if not regex.groupindex:
                            raise _QueryError("a parse regular expression needs named groups (?<name>...)")
                        self.steps.append(("parse", source, regex, list(regex.groupindex)))
                    else:
                        gm = _re.match(r"""^("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')\s+as\s+(.+)$""", pattern, _re.S)
                        if not gm:
                            raise _QueryError("parse glob form is: parse @message \"... * ...\" as a, b")
                        regex = _glob_regex(_unquote(gm.group(1)))
                        names = [n.strip() for n in gm.group(2).split(",")]
                        if len(names) != regex.groups:
                            raise _QueryError("parse: %d fields for %d wildcards" % (len(names), regex.groups))
                        self.steps.append(("parse", source, regex, names))
                elif verb == "filter":
                    self.steps.append(("filter", _Expr(rest)))
                elif verb == "stats":
                    bm = _re.match(r"^(.*?)(?:\s+by\s+(.+))?$", rest, _re.S | _re.I)
                    aggs = []
                    for item in _split_top(bm.group(1), ","):
                        sm = _STAT.match(item.strip())
                        if not sm:
                            raise _QueryError("unsupported stats function: %s" % item)
                        fn, arg, alias = sm.group(1).lower(), sm.group(2).strip(), sm.group(3)
                        aggs.append((fn, arg, alias or "%s(%s)" % (fn, arg)))
                    by = [b.strip() for b in _split_top(bm.group(2), ",")] if bm.group(2) else []
                    self.stats = (aggs, by)
                elif verb == "sort":
                    for item in _split_top(rest, ","):
                        words = item.split()
                        self.sorts.append((words[0], len(words) > 1 and words[1].lower() == "desc"))
                elif verb == "limit":
                    self.limit = int(rest)
                elif verb == "dedup":
                    self.steps.append(("dedup", [f.strip() for f in rest.split(",")]))
                else:
                    raise _QueryError("unsupported command %s" % verb)

        def run(self, records):
            matched = []
            seen = set()
            for record in records:
                keep = True
                for step in self.steps:
                    kind = step[0]
                    if kind == "parse":
                        value = record.get(step[1])
                        m = step[2].search(str(value)) if value is not None else None
                        if m:
                            for n, name in enumerate(step[3]):
                                got = m.group(name) if isinstance(name, str) and name in step[2].groupindex else m.group(n + 1)
                                if got is not None:
                                    record[name] = got
                    elif kind == "filter":
                        if not step[1].eval(record):
                            keep = False
                            break
                    elif kind == "rename":
                        if step[1] in record:
                            record[step[2]] = record[step[1]]
                    elif kind == "dedup":
                        key = tuple(record.get(f) for f in step[1])
                        if key in seen:
                            keep = False
                            break
                        seen.add(key)
                if keep:
                    matched.append(record)
            if self.stats is not None:
                rows = self._aggregate(matched)
            else:
                rows = matched
                if not self.sorts:
                    rows = sorted(rows, key=lambda r: r.get("@timestamp", 0), reverse=True)
            for field, desc in reversed(self.sorts):
                present = [r for r in rows if r.get(field) is not None]
                absent = [r for r in rows if r.get(field) is None]
                present.sort(key=lambda r: (_number(r[field]) is None, _number(r[field]) if _number(r[field]) is not None else str(r[field])),
                             reverse=desc)
                rows = present + absent
            rows = rows[: min(self.limit or 10000, 10000)]
            return len(matched), [self._shape(r) for r in rows]

        def _aggregate(self, records):
            aggs, by = self.stats
            groups = {}
            for r in records:
                key = tuple(r.get(b) for b in by)
                groups.setdefault(key, []).append(r)
            rows = []
            for key, members in groups.items():
                row = {b: v for b, v in zip(by, key) if v is not None}
                for fn, arg, alias in aggs:
                    if fn == "count":
                        row[alias] = len(members) if arg in ("*", "") else sum(1 for m in members if m.get(arg) is not None)
                        continue
                    values = [m.get(arg) for m in members if m.get(arg) is not None]
                    if fn == "count_distinct":
                        row[alias] = len(set(map(str, values)))
                        continue
                    numbers = [n for n in (_number(v) for v in values) if n is not None]
                    if not numbers:
                        continue
                    row[alias] = {"sum": sum(numbers), "avg": sum(numbers) / len(numbers), "min": min(numbers), "max": max(numbers)}[fn]
                row["__stats__"] = [b for b in by] + [a[2] for a in aggs]
                rows.append(row)
            return rows

        def _shape(self, record):
            if "__stats__" in record:
                return [(f, record[f]) for f in record["__stats__"] if f in record]
            if self.display is not None:
                names = [dst for _, dst in self.display]
            else:
                names = ["@timestamp", "@message"] + [n for n in record if not n.startswith("@")]
            out = [(n, record[n]) for n in names if n in record and record[n] is not None]
            out.append(("@ptr", record["@ptr"]))
            return out

    def _text(field, value):
        if field == "@timestamp" and isinstance(value, int):
            return _dt.fromtimestamp(value / 1000, _tz.utc).strftime("%Y-%m-%d %H:%M:%S.") + "%03d" % (value % 1000)
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)

    def _query_init(self, query_id, start_time, end_time, query, log_groups):
        self.query_id = query_id
        self.start_time = start_time
        self.end_time = end_time
        self.query = query
        self.log_group_names = [lg.name for lg in log_groups]
        self.create_time = _logs.unix_time_millis()
        self.result_reads = 0
        try:
            parsed = _Query(query)
        except (_QueryError, _re.error) as error:
            raise _InvalidParameter(msg="Query's syntax is invalid: %s" % error)
        records = []
        scanned_bytes = 0
        lo, hi = (start_time or 0) * 1000, (end_time or 0) * 1000 + 999
        for group in log_groups:
            for stream in group.streams.values():
                for event in stream.events:
                    if event.timestamp < lo or (end_time and event.timestamp > hi):
                        continue
                    scanned_bytes += len(event.message.encode("utf-8")) + 26
                    records.append({"@timestamp": event.timestamp, "@message": event.message,
                                    "@logStream": stream.log_stream_name, "@log": "%s:%s" % (group.account_id if hasattr(group, "account_id") else "", group.name),
                                    "@ingestionTime": event.ingestion_time, "@ptr": "ptr%d" % event.event_id})
        matched, rows = parsed.run(records)
        self.statistics = {"recordsMatched": float(matched), "recordsScanned": float(len(records)), "bytesScanned": float(scanned_bytes)}
        self.results = rows
        self.status = "Complete"

    def _query_result_json(self):
        self.result_reads += 1
        if self.result_reads == 1:
            # a real query is still running when it is first asked for; clients must poll
            return {"results": [], "status": "Running",
                    "statistics": {"recordsMatched": 0.0, "recordsScanned": 0.0, "bytesScanned": 0.0}}
        return {"results": [[{"field": f, "value": _text(f, v)} for f, v in row] for row in self.results],
                "status": self.status, "statistics": self.statistics}

    def _query_json(self, log_group_name):
        return {"queryId": self.query_id, "queryString": self.query,
                "status": "Running" if self.result_reads == 0 else self.status,
                "createTime": self.create_time, "logGroupName": log_group_name}

    _orig_get_query_results = _logs.LogsBackend.get_query_results

    def _get_query_results(self, query_id):
        if query_id not in self.queries:
            raise _InvalidParameter(msg="Query does not exist: %s" % query_id)
        return self.queries[query_id]

    _logs.LogQuery.__init__ = _query_init
    _logs.LogQuery.to_result_json = _query_result_json
    _logs.LogQuery.to_json = _query_json
    _logs.LogsBackend.get_query_results = _get_query_results
    _note("logs-insights")

    # Throttling drills: a log group tagged sandbox:throttle-filter-log-events=N answers the next N
    # FilterLogEvents calls with ThrottlingException, as CloudWatch does past 5 requests/second.
    class _Throttling(JsonRESTError):
        code = 400

        def __init__(self):
            super().__init__("ThrottlingException", "Rate exceeded")

    _orig_filter_log_events = _logs.LogsBackend.filter_log_events

    def _filter_log_events(self, log_group_name, *args, **kwargs):
        group = self.groups.get(log_group_name)
        if group is not None:
            tags = self.list_tags_for_resource(group.arn) or {}
            left = tags.get("sandbox:throttle-filter-log-events")
            if left and int(left) > 0:
                self.tag_resource(group.arn, {"sandbox:throttle-filter-log-events": str(int(left) - 1)})
                raise _Throttling()
        return _orig_filter_log_events(self, log_group_name, *args, **kwargs)

    _logs.LogsBackend.filter_log_events = _filter_log_events
    _note("logs-throttling")
except Exception as error:
    sys.stderr.write("sandbox: moto Logs Insights patch NOT applied: %r\n" % (error,))

try:
    from moto.s3 import models as _s3

    # moto computes AWS/S3 storage metrics from the live bucket (current objects only, stamped
    # today). S3 publishes them once a day for the day before, counting every version; the
    # sandbox's seeder publishes them that way, so moto's own are turned off.
    _s3.S3Backend.get_cloudwatch_metrics = classmethod(lambda cls, account_id, region: [])
    _note("s3-storage-metrics")

    # ListObjectVersions with a key-marker and no version-id-marker lists the keys after the
    # marker in S3; moto 5.2.1 also drops the first version after it (it assumes the marker is the
    # last key of its own previous page). Such a request becomes the same one with the marker set
    # to the last version at or before it, which moto handles as S3 does. Delimiter listings keep
    # moto's own markers (a common prefix), which it pages correctly.
    from moto.core.utils import unix_time_millis as _unix_time_millis

    _orig_list_object_versions = _s3.S3Backend.list_object_versions

    def _list_object_versions(self, bucket_name, delimiter=None, key_marker=None, max_keys=1000, prefix="",
                              version_id_marker=None):
        if key_marker and not version_id_marker and not delimiter:
            bucket = self.get_bucket(bucket_name)
            before = None
            for name, versions in bucket.keys.iterlists():
                if name <= key_marker and (before is None or name > before[0]):
                    before = (name, versions)
            if before is None:
                key_marker = None
            else:
                # moto orders a key's versions newest first: the last one is the oldest
                oldest = sorted(before[1], key=lambda v: -_unix_time_millis(v.last_modified))[-1]
                key_marker, version_id_marker = before[0], oldest.version_id
        return _orig_list_object_versions(self, bucket_name, delimiter, key_marker, max_keys, prefix, version_id_marker)

    _s3.S3Backend.list_object_versions = _list_object_versions
    _note("s3-version-key-marker")
except Exception as error:
    sys.stderr.write("sandbox: moto S3 metrics patch NOT applied: %r\n" % (error,))

try:
    from moto.cloudformation import models as _cfn
    from moto.dynamodb.models import dynamodb_backends as _dynamodb_backends
    from moto.dynamodb.models import table as _dynamodb_table
    from moto.s3 import models as _s3_cfn
    from moto.s3.models import s3_backends as _s3_backends

    # CloudFormation: moto 5.2.1 creates a table from AWS::DynamoDB::Table without its
    # TimeToLiveSpecification and PointInTimeRecoverySpecification, and a bucket from AWS::S3::Bucket
    # without its VersioningConfiguration and PublicAccessBlockConfiguration; a stack made from a
    # change set (`aws cloudformation deploy`) has no Outputs. AWS applies all of them when the
    # resource is created and reports the outputs of the executed template (deploy/control-plane.yaml).
    def _flag(value):
        return value is True or str(value).lower() == "true"

    _orig_table_from_cfn = _dynamodb_table.Table.create_from_cloudformation_json.__func__

    def _table_from_cfn(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        table = _orig_table_from_cfn(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
        properties = cloudformation_json.get("Properties", {})
        backend = _dynamodb_backends[account_id][region_name]
        ttl = properties.get("TimeToLiveSpecification")
        if ttl:
            backend.update_time_to_live(table.name, {"AttributeName": ttl.get("AttributeName"), "Enabled": _flag(ttl.get("Enabled"))})
        pitr = properties.get("PointInTimeRecoverySpecification")
        if pitr and _flag(pitr.get("PointInTimeRecoveryEnabled")):
            backend.update_continuous_backups(table.name, {"PointInTimeRecoveryEnabled": True})
        return table

    _dynamodb_table.Table.create_from_cloudformation_json = classmethod(_table_from_cfn)

    _orig_bucket_from_cfn = _s3_cfn.FakeBucket.create_from_cloudformation_json.__func__

    def _bucket_from_cfn(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        bucket = _orig_bucket_from_cfn(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
        properties = cloudformation_json.get("Properties", {})
        backend = _s3_backends[account_id][_s3_cfn.get_partition(region_name)]
        versioning = (properties.get("VersioningConfiguration") or {}).get("Status")
        if versioning:
            backend.put_bucket_versioning(bucket.name, versioning)
        block = properties.get("PublicAccessBlockConfiguration")
        if block:
            backend.put_public_access_block(bucket.name, {k: _flag(v) for k, v in block.items()})
        return bucket

    _s3_cfn.FakeBucket.create_from_cloudformation_json = classmethod(_bucket_from_cfn)

    _orig_execute_change_set = _cfn.CloudFormationBackend.execute_change_set

    def _execute_change_set(self, change_set_name, stack_name=None):
        _orig_execute_change_set(self, change_set_name, stack_name)
        for change_set in list(self.change_sets.values()):
            if change_set_name in (change_set.change_set_id, change_set.change_set_name):
                stack = self.stacks.get(change_set.stack_id)
                if stack is not None:
                    stack._parse_template()
                    stack.output_map = stack._create_output_map()

    _cfn.CloudFormationBackend.execute_change_set = _execute_change_set
    _note("cloudformation-control-plane")
except Exception as error:
    sys.stderr.write("sandbox: moto CloudFormation patch NOT applied: %r\n" % (error,))

try:
    import json as _json
    import os as _os

    from moto.iam import models as _iam

    # The sandbox's operators (ops sandbox env --operator NAME) are IAM users whose access keys are
    # kept in SANDBOX_DIR/operators/NAME.json. A reset empties moto and the sandbox makes the users
    # again; here a recreated user gets back the key it had, so a second operator's shell keeps
    # working across a reset. (AWS never lets a caller choose a key; nothing else differs.)
    def _kept_key(user_name):
        folder = _os.environ.get("SANDBOX_DIR")
        if not folder or "/" in user_name or user_name.startswith("."):
            return None
        try:
            with open(_os.path.join(folder, "operators", user_name + ".json")) as f:
                kept = _json.load(f)
            return kept["accessKeyId"], kept["secretAccessKey"]
        except Exception:
            return None

    _orig_user_create_access_key = _iam.User.create_access_key

    def _user_create_access_key(self, prefix, status="Active"):
        key = _orig_user_create_access_key(self, prefix, status)
        kept = _kept_key(self.name)
        if kept and all(k.access_key_id != kept[0] for k in self.access_keys if k is not key):
            key.access_key_id, key.secret_access_key = kept
        return key

    _iam.User.create_access_key = _user_create_access_key
    _note("iam-operator-keys")
except Exception as error:
    sys.stderr.write("sandbox: moto IAM patch NOT applied: %r\n" % (error,))

try:
    import functools
    import threading

    from moto.dynamodb import models as _dynamodb

    # moto_server serves requests on threads and moto's DynamoDB evaluates a condition and then
    # writes the item with no lock between: two conditional writes at once both pass (two runs
    # take one lease). DynamoDB serializes the writes of an item, so a condition holds for the
    # write it guards; one lock around moto's item reads and writes gives the same.
    _dynamodb_lock = threading.RLock()

    def _serialized(method):
        @functools.wraps(method)
        def locked(self, *args, **kwargs):
            with _dynamodb_lock:
                return method(self, *args, **kwargs)
        return locked

    for _name in ("put_item", "get_item", "update_item", "delete_item", "query", "scan", "transact_write_items",
                  "transact_get_items", "execute_statement", "execute_transaction"):
        if hasattr(_dynamodb.DynamoDBBackend, _name):
            setattr(_dynamodb.DynamoDBBackend, _name, _serialized(getattr(_dynamodb.DynamoDBBackend, _name)))
    _note("dynamodb-atomic-conditions")
except Exception as error:
    sys.stderr.write("sandbox: moto DynamoDB lock patch NOT applied: %r\n" % (error,))

try:
    import logging

    # one line per request makes the log grow without telling anything; errors still show
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
except Exception:
    pass

sys.stderr.write("sandbox: moto patches applied: %s\n" % ", ".join(_applied))
sys.stderr.flush()
