package io.discordination.ops.gate;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * What every mutating verb's result says the same way: whether its effect was only planned (a dry
 * run: nothing changed, the values are what the plan resolved) or done, and the {@link Effect} it went
 * through the {@link Gate} as, with the command that does the same by hand. JSON carries
 * {@code "planned"}; the effect is in the plan and the audit record, so results leave it out of JSON
 * (a result restored from a journal has none).
 *
 * <pre>{@code
 * ObjectRestore r = bucket().restoreDeleted(key);
 * if (r.planned()) System.out.println("paste instead: " + r.effect().command());
 * }</pre>
 */
public interface Outcome {
    /** True when the effect was planned, not performed: nothing changed. */
    boolean planned();

    /**
     * The effect the verb handed to the Gate (redaction is the Gate's: the plan and the audit hold the
     * redacted copy); null when there was nothing to do (already so) or the result was restored from a journal.
     */
    @JsonIgnore
    Effect effect();

    /**
     * How every result's text words a plan, so an operator reads "planned" one way whatever the verb:
     * {@code plannedText("delete 5 keys matching cache:*")} is {@code "planned (dry run): delete 5 keys matching cache:*"}.
     * The text of a done result keeps its past tense ("Deleted 5 keys ...").
     */
    static String plannedText(String whatWouldHappen) {
        return "planned (dry run): " + whatWouldHappen;
    }
}
