package io.discordination.ops.drill;

import io.discordination.ops.sandbox.junit.SandboxExtension;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs {@code ops drill NAME} against the test sandbox before the test method and hands it the
 * {@link DrillReport} (and the command's exit code as {@link DrillExtension.Outcome}): a change
 * that makes a runbook stop fixing its incident fails the test.
 *
 * <pre>{@code
 * @Test @Drill("api-not-responding")
 * void apiRunbook_endsItsIncident(DrillReport report) { assertThat(report.passed()).isTrue(); }
 * }</pre>
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith({SandboxExtension.class, DrillExtension.class})
public @interface Drill {
    /** The scenario, which is the runbook's name. */
    String value();

    /** Another script to drill the incident with, relative to the project root; empty: the shipped runbook. */
    String runbook() default "";
}
