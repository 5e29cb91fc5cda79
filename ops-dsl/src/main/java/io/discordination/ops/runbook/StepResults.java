package io.discordination.ops.runbook;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.InjectableValues;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.jsontype.BasicPolymorphicTypeValidator;
import io.discordination.ops.Json;
import io.discordination.ops.OpsContext;
import io.discordination.ops.Redactor;
import io.discordination.ops.ecs.EcsCluster;
import io.discordination.ops.ecs.EcsTaskRun;
import io.discordination.ops.rds.RdsInstance;

import java.util.function.Function;
import java.util.function.Supplier;

/**
 * An action's result as the journal keeps it, so that a resumed run that skips the action still
 * has what it returned for {@code result("...")} in later steps. The result is written with its
 * Java type (Jackson type information, as {@code {"value": {"@class": "...", ...}}}), after
 * redaction: a secret in a result is journaled, and restored, as {@code ****}.
 *
 * <p>Only types of the library and the JDK's plain values are restored; a result type that holds a
 * live handle restores through a {@code @JsonCreator} that takes a factory of the context's handle with
 * {@code @JacksonInject} ({@link EcsTaskRun#RESTORED_CLUSTER}, {@link RdsInstance#RESTORED_INSTANCES}). A result that cannot be restored leaves the step's result unavailable, with the reason.
 *
 * <pre>{@code JsonNode typed = StepResults.write(result, redactor);  Object again = StepResults.restore(typed, context);}</pre>
 */
final class StepResults {
    /** Larger results are not journaled: a resume then says the result is unavailable. */
    static final int LIMIT = 512 * 1024;

    /** The holder whose one field carries the type of the result. */
    record Typed(Object value) {
    }

    private static final ObjectMapper TYPED = Json.mapper().copy()
            .activateDefaultTyping(BasicPolymorphicTypeValidator.builder()
                            // the library's results and plain values only: a journal names no other class to build
                            .allowIfSubType("io.discordination.ops.")
                            .allowIfSubType("java.util.")
                            .allowIfSubType("java.time.")
                            .allowIfSubType(Number.class)
                            .allowIfSubType(Character.class)
                            .build(),
                    ObjectMapper.DefaultTyping.JAVA_LANG_OBJECT, JsonTypeInfo.As.PROPERTY)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private StepResults() {
    }

    /** The typed, redacted form of {@code result}, or null when it has none, is too large or cannot be written. */
    static JsonNode write(Object result, Redactor redactor) {
        if (result == null) return null;
        try {
            String json = redactor.redact(TYPED.writeValueAsString(new Typed(result)));
            if (json.length() > LIMIT) return null;
            return TYPED.readTree(json);
        } catch (Exception | StackOverflowError unwritable) {
            return null;
        }
    }

    /** The result again, in {@code context}; throws with the reason when it cannot be restored. */
    static Object restore(JsonNode typed, OpsContext context) throws Exception {
        // results that hold a live handle (a task run, a snapshot, a restore) are bound to this context's
        InjectableValues inject = new InjectableValues.Std()
                .addValue(EcsTaskRun.RESTORED_CLUSTER, (Supplier<EcsCluster>) context::ecs)
                .addValue(RdsInstance.RESTORED_INSTANCES, (Function<String, RdsInstance>) context::rds);
        Typed holder = TYPED.readerFor(Typed.class).with(inject).readValue(typed);
        return holder.value();
    }
}
