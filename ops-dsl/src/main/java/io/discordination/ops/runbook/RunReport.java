package io.discordination.ops.runbook;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;

/**
 * What a plan or a run did, step by step: the document {@code --output json} prints.
 * {@code outcome} is ok, failed or refused; {@code exitCode} is the CLI's (0, 1, 3). {@code changed}
 * lists the effects a run applied (empty when it changed nothing; absent from a plan).
 *
 * <pre>{@code report.steps().get(0).result()}</pre>
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunReport(String runId, String runbook, String title, String file, String environment, String mode,
                        Map<String, String> parameters, String resumedFrom, List<StepReport> steps, String outcome,
                        int exitCode, String error, String journal, List<String> changed) {

    /** One step's part: status is ok, failed, refused (declined or not allowed; nothing changed), skipped, shown (advice), planned (an action in a plan) or not-polled (verify in a plan). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record StepReport(int number, String kind, String title, String status, Long durationMs,
                             List<String> commands, List<PlannedEffect> effects, JsonNode result,
                             @JsonIgnore String resultText, String error, String text) {
    }

    /**
     * An effect a plan would apply, or a run applied: its target resolved, its equivalent command with the
     * real values, and the template that command was rendered from (the one the step declares). Its
     * parameters are already redacted, as the Gate recorded them.
     */
    public record PlannedEffect(String summary, boolean destructive, String command, String inverse,
                                java.util.Map<String, Object> parameters, String template, Boolean undoable) {
    }

    public boolean ok() {
        return exitCode == io.discordination.ops.ExitCode.OK.code();
    }
}
