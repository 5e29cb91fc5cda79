package io.discordination.ops.sandbox.drill;

import io.discordination.ops.sandbox.SeedData;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataResult;
import software.amazon.awssdk.services.cloudwatch.model.MetricDatum;
import software.amazon.awssdk.services.cloudwatch.model.StandardUnit;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilteredLogEvent;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.Task;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The reads that several probes share, each through the scenario's own SDK clients, as the
 * operator's {@code aws} commands read the same things.
 *
 * <pre>{@code Observation seen = Reads.serviceSteady(sandbox, "api");}</pre>
 */
public final class Reads {
    private Reads() {
    }

    /** {@code aws ecs describe-services}: one deployment, COMPLETED, running == desired. */
    public static Observation serviceSteady(SandboxAccess sandbox, String service) {
        Service s = sandbox.aws().ecs().describeServices(r -> r.cluster(SeedData.CLUSTER).services(service)).services().get(0);
        String rollout = s.deployments().isEmpty() ? "none" : s.deployments().get(0).rolloutStateAsString();
        boolean steady = s.deployments().size() == 1 && "COMPLETED".equals(rollout) && s.runningCount().equals(s.desiredCount());
        return Observation.of(steady, s.runningCount() + " of " + s.desiredCount() + " tasks running, "
                + s.deployments().size() + " deployment(s), rollout " + rollout);
    }

    /** The service's RUNNING tasks ({@code aws ecs list-tasks --service-name} + {@code describe-tasks}). */
    public static List<Task> runningTasks(SandboxAccess sandbox, String service) {
        List<String> arns = sandbox.aws().ecs().listTasks(r -> r.cluster(SeedData.CLUSTER).serviceName(service)
                .desiredStatus(DesiredStatus.RUNNING)).taskArns();
        if (arns.isEmpty()) return List.of();
        return sandbox.aws().ecs().describeTasks(r -> r.cluster(SeedData.CLUSTER).tasks(arns)).tasks();
    }

    /** No RUNNING task of the service reports {@code healthStatus UNHEALTHY}. */
    public static Observation tasksHealthy(SandboxAccess sandbox, String service) {
        List<Task> tasks = runningTasks(sandbox, service);
        long unhealthy = tasks.stream().filter(t -> "UNHEALTHY".equals(t.healthStatusAsString())).count();
        return Observation.of(!tasks.isEmpty() && unhealthy == 0, unhealthy + " of " + tasks.size() + " running " + service + " tasks UNHEALTHY");
    }

    /** Lines of {@code group} in the last {@code window} that {@code matches}, newest last ({@code aws logs filter-log-events}). */
    public static List<String> recentLines(SandboxAccess sandbox, String group, Duration window, Predicate<String> matches) {
        long start = Instant.now().minus(window).toEpochMilli();
        List<String> found = new ArrayList<>();
        String token = null;
        do {
            String next = token;
            var page = sandbox.aws().logs().filterLogEvents(r -> r.logGroupName(group).startTime(start).nextToken(next));
            for (FilteredLogEvent e : page.events()) if (matches.test(e.message())) found.add(e.message());
            token = page.nextToken();
        } while (token != null);
        return found;
    }

    /** Passes when {@code group} has no line that {@code matches} in the last {@code window}. */
    public static Observation quietLog(SandboxAccess sandbox, String group, Duration window, Predicate<String> matches, String what) {
        List<String> lines = recentLines(sandbox, group, window, matches);
        return Observation.of(lines.isEmpty(), lines.size() + " " + what + " in " + group + " in the last " + window.toSeconds() + " s"
                + (lines.isEmpty() ? "" : ", newest: " + lines.get(lines.size() - 1)));
    }

    private static List<Dimension> serviceDimensions(String service) {
        return List.of(Dimension.builder().name("ClusterName").value(SeedData.CLUSTER).build(),
                Dimension.builder().name("ServiceName").value(service).build());
    }

    /** The newest {@code AWS/ECS MemoryUtilization} value of the service in the last 15 minutes (10 s buckets), or null. */
    public static Double newestMemory(SandboxAccess sandbox, String service) {
        Instant end = Instant.now().plusSeconds(5);
        var answer = sandbox.aws().cloudWatch().getMetricData(r -> r.startTime(end.minus(Duration.ofMinutes(15))).endTime(end)
                .metricDataQueries(q -> q.id("mem").metricStat(m -> m.period(10).stat("Average")
                        .metric(x -> x.namespace("AWS/ECS").metricName("MemoryUtilization").dimensions(serviceDimensions(service))))));
        MetricDataResult result = answer.metricDataResults().get(0);
        if (result.values().isEmpty()) return null;
        int newest = 0;
        for (int i = 1; i < result.timestamps().size(); i++) {
            if (result.timestamps().get(i).isAfter(result.timestamps().get(newest))) newest = i;
        }
        return result.values().get(newest);
    }

    /** Publishes {@code values} as the service's MemoryUtilization, one a minute, ending just now (both dimension sets, as the seed). */
    public static void publishMemory(SandboxAccess sandbox, String service, List<Double> values) {
        Instant now = Instant.now().minusSeconds(1);
        List<MetricDatum> data = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            Instant at = now.minus(Duration.ofMinutes(values.size() - 1L - i));
            for (List<Dimension> dimensions : List.of(serviceDimensions(service),
                    List.of(Dimension.builder().name("ServiceName").value(service).build()))) {
                data.add(MetricDatum.builder().metricName("MemoryUtilization").dimensions(dimensions).timestamp(at)
                        .value(values.get(i)).unit(StandardUnit.PERCENT).build());
            }
        }
        for (int i = 0; i < data.size(); i += 500) {
            List<MetricDatum> batch = data.subList(i, Math.min(data.size(), i + 500));
            sandbox.aws().cloudWatch().putMetricData(r -> r.namespace("AWS/ECS").metricData(batch));
        }
    }

    /** Appends {@code lines} to {@code group}, in a stream of their own, stamped now. */
    public static void writeLog(SandboxAccess sandbox, String group, String stream, List<String> lines) {
        var logs = sandbox.aws().logs();
        try {
            logs.createLogStream(r -> r.logGroupName(group).logStreamName(stream));
        } catch (software.amazon.awssdk.services.cloudwatchlogs.model.ResourceAlreadyExistsException exists) {
            // written before
        }
        long now = Instant.now().toEpochMilli() - lines.size();
        List<software.amazon.awssdk.services.cloudwatchlogs.model.InputLogEvent> events = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            events.add(software.amazon.awssdk.services.cloudwatchlogs.model.InputLogEvent.builder().timestamp(now + i).message(lines.get(i)).build());
        }
        logs.putLogEvents(r -> r.logGroupName(group).logStreamName(stream).logEvents(events));
    }
}
