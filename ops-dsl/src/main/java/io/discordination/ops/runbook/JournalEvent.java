package io.discordination.ops.runbook;

import io.discordination.ops.ExitCode;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;
import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One line of a run's {@link Journal}: each kind of event is its own record with only its own
 * fields. On disk the {@code event} property names the kind ({@code run-started},
 * {@code step-finished}, ...), as it always has, so journals written before these types existed
 * read back unchanged and a resumed run survives an upgrade. Fields a line does not have are null;
 * fields a line has that its type does not know (a newer version's) are ignored.
 *
 * <pre>{@code if (event instanceof JournalEvent.StepFinished f) results.put(f.key(), f.result());}</pre>
 */
// the event name is written by event() below, so that a line keeps the order it always had: time, event, runId, ...
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.EXISTING_PROPERTY, property = "event")
@JsonSubTypes({
        @JsonSubTypes.Type(JournalEvent.RunStarted.class),
        @JsonSubTypes.Type(JournalEvent.StepStarted.class),
        @JsonSubTypes.Type(JournalEvent.StepFinished.class),
        @JsonSubTypes.Type(JournalEvent.StepFailed.class),
        @JsonSubTypes.Type(JournalEvent.StepSkipped.class),
        @JsonSubTypes.Type(JournalEvent.RunInterrupted.class),
        @JsonSubTypes.Type(JournalEvent.RunFinished.class),
        @JsonSubTypes.Type(JournalEvent.ResumedBy.class)})
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({"time", "event", "runId"})
public sealed interface JournalEvent {
    Instant time();

    /** The event's name on disk ({@code run-started}, {@code step-finished}, ...): its type's {@link JsonTypeName}. */
    @JsonProperty("event")
    default String event() {
        return getClass().getAnnotation(JsonTypeName.class).value();
    }

    String runId();

    /** An event about one step: its number, kind label ({@code action}) and title. */
    sealed interface StepEvent extends JournalEvent {
        Integer step();

        String kind();

        String title();

        /** The step's identity as {@link Step#key()} has it ({@code kind:title}), or null when the line names no step. */
        default String key() {
            return kind() == null ? null : kind() + ":" + title();
        }
    }

    /**
     * The first line: the runbook (name, file, content hash, step keys), the environment (name, file,
     * the file's hash), the mode, the parameters as shown (secrets {@code ****}), the run it resumes and who ran it:
     * the OS user ({@code operator}), with a registry the AWS caller identity ({@code identity}), the host, and for a
     * resumed run who ran the run it resumes ({@code resumedFromOperator}), so a handed-over run names both operators.
     */
    @JsonTypeName("run-started")
    record RunStarted(Instant time, String runId, String runbook, String file, String contentHash, List<String> steps,
                      String environment, String mode, Map<String, String> parameters, String resumedFrom, String operator,
                      String environmentFile, String environmentHash, String identity, String host,
                      String resumedFromOperator) implements JournalEvent {
        /** Who ran it: the AWS caller identity when there was one, else the OS user. */
        public String who() {
            return identity != null ? identity : operator;
        }
    }

    @JsonTypeName("step-started")
    record StepStarted(Instant time, String runId, Integer step, String kind, String title) implements StepEvent {
        static StepStarted of(String runId, Step s) {
            return new StepStarted(Instant.now(), runId, s.number(), s.kind().label(), s.title());
        }
    }

    /** A step that finished: how long it took, its result as JSON text (cut at {@link Journal#SUMMARY_LIMIT}), and for an action its typed result ({@link StepResults}). */
    @JsonTypeName("step-finished")
    record StepFinished(Instant time, String runId, Integer step, String kind, String title, Long durationMs, String summary,
                        JsonNode result) implements StepEvent {
        static StepFinished of(String runId, Step s, Long durationMs, String summary, JsonNode result) {
            return new StepFinished(Instant.now(), runId, s.number(), s.kind().label(), s.title(), durationMs, summary, result);
        }
    }

    @JsonTypeName("step-failed")
    record StepFailed(Instant time, String runId, Integer step, String kind, String title, Long durationMs, String error)
            implements StepEvent {
        static StepFailed of(String runId, Step s, long durationMs, String error) {
            return new StepFailed(Instant.now(), runId, s.number(), s.kind().label(), s.title(), durationMs, error);
        }
    }

    /** An action a resumed run skipped because an earlier run finished it, with the result carried over from that run. */
    @JsonTypeName("step-skipped")
    record StepSkipped(Instant time, String runId, Integer step, String kind, String title, String summary, JsonNode result)
            implements StepEvent {
        static StepSkipped of(String runId, Step s, String summary, JsonNode result) {
            return new StepSkipped(Instant.now(), runId, s.number(), s.kind().label(), s.title(), summary, result);
        }
    }

    /** Ctrl-C or SIGTERM: the step the run stopped in (null fields before the first step) and why; resumable like a killed run. */
    @JsonTypeName("run-interrupted")
    record RunInterrupted(Instant time, String runId, Integer step, String kind, String title, String error, String outcome,
                          Integer exitCode) implements StepEvent {
        static RunInterrupted of(String runId, Step s, String error) {
            return new RunInterrupted(Instant.now(), runId, s == null ? null : s.number(), s == null ? null : s.kind().label(),
                    s == null ? null : s.title(), error, "interrupted", ExitCode.INTERRUPTED.code());
        }
    }

    /** The last line of a run that ended: its outcome ({@code ok}, {@code failed}, {@code refused}), exit code and error. */
    @JsonTypeName("run-finished")
    record RunFinished(Instant time, String runId, String runbook, String error, String outcome, Integer exitCode)
            implements JournalEvent {
    }

    /**
     * Written into an earlier run's journal when run {@code resumedBy} resumes it: that run may not be resumed again.
     * {@code operator} is the resumer's OS user, {@code identity} its AWS caller identity (with a registry), {@code host} its machine.
     */
    @JsonTypeName("resumed-by")
    record ResumedBy(Instant time, String runId, String operator, String resumedBy, String identity, String host) implements JournalEvent {
    }
}
