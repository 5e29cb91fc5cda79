package io.discordination.ops.rds;

import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.discordination.ops.aws.Awaited;
import io.discordination.ops.gate.Effect;
import io.discordination.ops.gate.Outcome;

import java.time.Duration;
import java.util.function.Function;

/**
 * A restore started by {@link RdsRestore#start()}: the new instance as RDS first reported it, and
 * a wait until it is available. A planned one (dry run) returns at once.
 *
 * <pre>{@code rds().restore(id).as("discordination-restore").start().awaitAvailable(minutes(60));}</pre>
 */
public final class RdsRestoration implements Outcome {
    private final RdsInstance target;
    private final String snapshotId;
    private final RdsInstanceStatus started;
    private final boolean planned;
    private final Effect effect;

    RdsRestoration(RdsInstance target, String snapshotId, RdsInstanceStatus started, boolean planned, Effect effect) {
        this.target = target;
        this.snapshotId = snapshotId;
        this.started = started;
        this.planned = planned;
        this.effect = effect;
    }

    /** The restoration again from its JSON (a resumed run's journal), bound to the target instance ({@link RdsInstance#RESTORED_INSTANCES}). */
    @JsonCreator
    static RdsRestoration fromJson(@JacksonInject(RdsInstance.RESTORED_INSTANCES) Function<String, RdsInstance> instances, @JsonProperty("target") String target,
                                   @JsonProperty("snapshotId") String snapshotId, @JsonProperty("started") RdsInstanceStatus started,
                                   @JsonProperty("planned") boolean planned) {
        return new RdsRestoration(instances.apply(target), snapshotId, started, planned, null);
    }

    @JsonProperty public String target() { return target.identifier(); }
    @JsonProperty public String snapshotId() { return snapshotId; }
    @JsonProperty public RdsInstanceStatus started() { return started; }
    @JsonProperty public boolean planned() { return planned; }
    @Override @JsonIgnore public Effect effect() { return effect; }

    /** A handle on the new instance. */
    @JsonIgnore
    public RdsInstance instance() {
        return target;
    }

    /** Polls until the new instance is {@code available} (a failed restore ends the wait with its state). */
    public Awaited<RdsInstanceStatus> awaitAvailable(Duration timeout) {
        if (planned) return Awaited.planned(started, "available");
        return target.awaitAvailable(timeout);
    }

    @Override
    public String toString() {
        String what = "restore of " + snapshotId + " to " + target.identifier();
        return (planned ? Outcome.plannedText(what) : what) + "\n" + started;
    }
}
