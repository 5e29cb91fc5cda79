package io.discordination.ops;

import io.discordination.ops.gate.Effect;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Performs an inverse effect, as a finished effect recorded it in its audit line, through the
 * handle that owns it: the handle plans the change again from what is there now (so an address
 * someone else removed meanwhile is left alone) and hands it to the context's gate, with the same
 * confirmation, locks and audit as any run.
 *
 * <pre>{@code Object done = Inverses.perform(context, record.undo());}</pre>
 */
public final class Inverses {
    private Inverses() {
    }

    /** The verbs an inverse can have, the ones {@link #perform} knows how to carry out. */
    public static final List<String> VERBS = List.of("unblock", "enable-account", "put-delete-marker", "restore-version",
            "delete-instance", "delete-snapshot", "restore-previous-version", "force-redeploy");

    /** Carries out {@code inverse} in {@code context}; returns the handle's result. */
    public static Object perform(OpsContext context, Effect inverse) {
        Map<String, Object> p = inverse.parameters();
        return switch (inverse.verb()) {
            case "unblock" -> {
                var waf = context.waf();
                if (!waf.name().equals(text(p, "ipSet"))) {
                    throw OpsException.builder("The inverse unblocks addresses of IP set " + text(p, "ipSet") + ", but environment "
                            + context.environment().name() + " uses " + waf.name())
                            .hint("undo it in the environment the run used (--env); nothing was changed").invalidInput();
                }
                yield waf.unblock(Arrays.asList(text(p, "addresses").split(",")));
            }
            case "enable-account" -> context.account(text(p, "userId")).enable();
            case "put-delete-marker" -> context.bucket(text(p, "bucket")).putDeleteMarker(text(p, "key"), text(p, "currentVersionId"));
            case "restore-version" -> context.bucket(text(p, "bucket")).restore(text(p, "key"), text(p, "versionId"));
            case "delete-instance" -> context.rds(text(p, "instance")).deleteRestored();
            case "delete-snapshot" -> context.rds(text(p, "instance")).deleteSnapshot(text(p, "snapshot"));
            case "restore-previous-version" -> context.secret(text(p, "secretId")).restorePrevious(text(p, "version"), text(p, "current"));
            // not an inverse of its own (a rolling restart has none): the redeploy after a secret moved back
            case "force-redeploy" -> context.ecs(shortServiceName(context, text(p, "service"))).forceRedeploy().awaitStable();
            default -> throw OpsException.builder("Cannot undo '" + inverse.verb() + "': no handle performs it")
                    .hint("undo it by hand: " + inverse.command()).invalidInput();
        };
    }

    /** The environment's short name ({@code api}) of the ECS service {@code service} names. */
    private static String shortServiceName(OpsContext context, String service) {
        return context.environment().topology().ecs().services().entrySet().stream()
                .filter(e -> service.equals(e.getValue().optional().orElse(null))).map(Map.Entry::getKey).findFirst()
                .orElseThrow(() -> OpsException.builder("ECS service " + service + " is not one of environment "
                        + context.environment().name() + "'s services").hint("undo it in the environment the run used (--env); "
                        + "nothing more was changed").invalidInput());
    }

    private static String text(Map<String, Object> parameters, String name) {
        Object value = parameters.get(name);
        if (value == null) throw new OpsException("The recorded inverse has no '" + name + "'");
        return String.valueOf(value);
    }
}
