package io.discordination.ops.gate;

import io.discordination.ops.OpsException;
import io.discordination.ops.Redactor;

import java.util.List;

/** How every gate words a refusal, so that a refusal in a plan, a run or a unit test reads the same. */
final class Refusals {
    private Refusals() {
    }

    /** {@code Refused: <summary>: <reason>}, with a hint that says what {@code applied} already changed. */
    static OpsException.RefusedException refused(Effect effect, String reason, String environment, List<Effect> applied,
                                                 Redactor redactor) {
        return OpsException.builder("Refused: " + redactor.redact(effect.summary()) + ": " + redactor.redact(reason))
                .environment(environment).hint(whatChanged(applied)).refused();
    }

    /** For a refusal's hint: "nothing was changed" only when it is true. */
    static String whatChanged(List<Effect> applied) {
        if (applied.isEmpty()) return "nothing was changed";
        StringBuilder sb = new StringBuilder("already changed before this refusal: ");
        for (int i = 0; i < applied.size(); i++) sb.append(i == 0 ? "" : "; ").append(applied.get(i).summary());
        return sb.toString();
    }
}
