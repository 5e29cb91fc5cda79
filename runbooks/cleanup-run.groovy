// Manual Cleanup Run: the cleanup daemon as a one-shot ECS task; a dry run first, its report shown, then the real run (confirmed).
// Plan it first (no task is started):  ops plan cleanup-run    (its JShell twin: runbooks/jshell/cleanup-run.jsh)

/** Waits until a cleanup task stopped; a non-zero (or missing) exit code fails the step. A planned run returns at once. */
EcsTaskRun awaitCleanup(EcsTaskRun run, Duration timeout) {
    if (run.planned()) return run
    EcsTask stopped = run.awaitStopped(timeout).result()
    Integer exitCode = stopped.exitCode()
    if (exitCode == null || exitCode != 0) {
        throw OpsException.builder('The cleanup task ' + stopped.taskId() + ' failed with exit code ' + exitCode
                + (stopped.stoppedReason() == null ? '' : ' (' + stopped.stoppedReason() + ')'))
                .service('ecs').resource(run.logGroup() + ' ' + run.logStream())
                .hint('read its log: aws logs tail ' + run.logGroup() + ' --since 1h; nothing after this step runs').build()
    }
    return run
}

/** The task's log, the cleanup daemon's report, of the task that step {@code actionTitle} ran (restored from the journal on resume). */
Object report(String actionTitle, String what) {
    EcsTaskRun run = result(actionTitle)
    if (run.planned()) return what + ' appears here when the runbook runs (a plan starts no task)'
    return run.logs().first(200)
}

runbook('cleanup-run') {
    title 'Manual Cleanup Run'
    section 'File Storage'
    param 'timeout', type: 'duration', defaultValue: '30m', description: 'How long each cleanup task may run before the runbook gives up'
    action('Run cleanup daemon as one-shot (dry run)', EcsCluster.RUN_TASK) {
        awaitCleanup(ecs().runCleanup(true), param('timeout'))
    }
    check('Show the dry run\'s report',
            'aws logs tail ${logs.cleanup} --since 1h --log-stream-name-prefix cleanup/cleanup/') {
        report('Run cleanup daemon as one-shot (dry run)', 'The dry run\'s report')
    }
    action('If dry run looks good, run for real', EcsCluster.RUN_TASK) {
        awaitCleanup(ecs().runCleanup(false), param('timeout'))
    }
    check('Show the cleanup\'s report',
            'aws logs tail ${logs.cleanup} --since 1h --log-stream-name-prefix cleanup/cleanup/') {
        report('If dry run looks good, run for real', 'The cleanup\'s report')
    }
    // awaitCleanup saw exit code 0; the report must also say the daemon deleted and finished (before the real run: false)
    verify('The real run finished and reported what it deleted') {
        def ran = result('If dry run looks good, run for real')
        if (!(ran instanceof EcsTaskRun) || ran.planned()) return false
        List<String> lines = ran.logs().first(200).events().collect { it.message() }
        lines.any { it.contains('deleted ') } && lines.any { it.contains('cleanup finished, exiting with status 0') }
    }
    timeout seconds(30)
    every seconds(2)
}
