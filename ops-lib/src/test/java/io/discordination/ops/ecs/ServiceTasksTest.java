package io.discordination.ops.ecs;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ServiceTasksTest {

    private static EcsTask task(String id, String status, String health, Instant started) {
        return new EcsTask(id, "arn:aws:ecs:us-east-1:1:task/c/" + id, "discordination-gateway:7", status, "RUNNING", health,
                started, null, null, null, "service:gateway", List.of());
    }

    @Test
    void attentionFirst_whenMixed_putsUnhealthyThenPendingThenNewestRunning() {
        Instant t = Instant.parse("2026-12-01T10:00:00Z");
        List<EcsTask> tasks = new ArrayList<>(List.of(
                task("old", "RUNNING", "HEALTHY", t),
                task("new", "RUNNING", "HEALTHY", t.plusSeconds(60)),
                task("sick", "RUNNING", "UNHEALTHY", t.minusSeconds(60)),
                task("pending", "PENDING", "UNKNOWN", null)));

        tasks.sort(ServiceTasks.ATTENTION_FIRST);

        assertThat(tasks).extracting(EcsTask::taskId).containsExactly("sick", "pending", "new", "old");
    }

    @Test
    void toString_whenManyTasks_showsCountsAndTheFirstRowsAndSaysHowManyAreLeftOut() {
        List<EcsTask> tasks = new ArrayList<>();
        for (int i = 0; i < 300; i++) tasks.add(task("t" + i, i < 2 ? "PENDING" : "RUNNING", "HEALTHY", Instant.EPOCH.plusSeconds(i)));

        String text = new ServiceTasks("discordination-prod", "gateway", tasks).toString();

        assertThat(text).contains("(300; by status {PENDING=2, RUNNING=298}, by health {HEALTHY=300})");
        assertThat(text).contains("... 280 more tasks left out");
        assertThat(text.lines().count()).isLessThan(30);
        assertThat(new ServiceTasks("c", "s", tasks).countsByStatus()).containsEntry("RUNNING", 298L);
    }
}
