package io.discordination.ops.rds;

import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.discordination.ops.OpsException;
import io.discordination.ops.aws.Awaited;
import io.discordination.ops.aws.Poller;
import io.discordination.ops.gate.Effect;
import io.discordination.ops.gate.Outcome;

import java.time.Duration;
import java.util.function.Function;

/**
 * A snapshot being created by {@link RdsInstance#snapshot()}; {@link #awaitAvailable(Duration)}
 * waits until it can be restored. A planned one (dry run) returns at once.
 *
 * <pre>{@code String id = rds().snapshot().awaitAvailable(minutes(30)).result().snapshotId();}</pre>
 */
public final class RdsSnapshotCreation implements Outcome {
    private final RdsInstance instance;
    private final RdsSnapshot snapshot;
    private final boolean planned;
    private final Effect effect;

    RdsSnapshotCreation(RdsInstance instance, RdsSnapshot snapshot, boolean planned, Effect effect) {
        this.instance = instance;
        this.snapshot = snapshot;
        this.planned = planned;
        this.effect = effect;
    }

    /**
     * The creation again from its JSON (a run's journal, when a resumed run skips the step that took
     * the snapshot), bound to its instance ({@link RdsInstance#RESTORED_INSTANCES}).
     */
    @JsonCreator
    static RdsSnapshotCreation fromJson(@JacksonInject(RdsInstance.RESTORED_INSTANCES) Function<String, RdsInstance> instances, @JsonProperty("snapshot") RdsSnapshot snapshot,
                                        @JsonProperty("planned") boolean planned) {
        if (snapshot == null) throw new IllegalArgumentException("no snapshot in the JSON");
        return new RdsSnapshotCreation(instances.apply(snapshot.instance()), snapshot, planned, null);
    }

    @JsonProperty public String snapshotId() { return snapshot.snapshotId(); }
    @JsonProperty public RdsSnapshot snapshot() { return snapshot; }
    @JsonProperty public boolean planned() { return planned; }
    @Override @JsonIgnore public Effect effect() { return effect; }

    /** Polls describe-db-snapshots until the snapshot is {@code available}, showing its percent progress. */
    public Awaited<RdsSnapshot> awaitAvailable(Duration timeout) {
        if (planned) return Awaited.planned(snapshot, "available");
        String id = snapshot.snapshotId();
        return Poller.<RdsSnapshot>of(instance.context(), "Waiting for snapshot " + id)
                .until("available", RdsSnapshot::isAvailable)
                .failWhen(s -> "failed".equals(s.status()) || "deleting".equals(s.status()) ? "the snapshot is " + s.status() : null)
                .describe(s -> s.status() + (s.percentProgress() == null ? "" : " " + s.percentProgress() + "%"))
                .progress(s -> s.percentProgress() == null ? 0 : s.percentProgress(), 100, "%")
                .interval(Duration.ofSeconds(5), Duration.ofSeconds(30))
                .poll(() -> instance.findSnapshot(id).orElseThrow(() -> OpsException.builder("The snapshot " + id
                        + " disappeared while waiting for it").service("rds").notFound()), timeout);
    }

    @Override
    public String toString() {
        return (planned ? Outcome.plannedText("create snapshot") + "\n" : "") + snapshot;
    }
}
