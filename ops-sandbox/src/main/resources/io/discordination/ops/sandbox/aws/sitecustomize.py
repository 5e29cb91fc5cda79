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
    import logging

    # one line per request makes the log grow without telling anything; errors still show
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
except Exception:
    pass

sys.stderr.write("sandbox: moto patches applied: %s\n" % ", ".join(_applied))
sys.stderr.flush()
