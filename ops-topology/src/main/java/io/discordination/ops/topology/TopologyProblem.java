package io.discordination.ops.topology;

import java.util.List;

/**
 * An environment file whose shape does not match the schema: an unknown (misspelled) key, or a
 * mapping where a value belongs. The message names the setting and never quotes a value.
 *
 * <pre>{@code catch (TopologyProblem p) { ... p.setting() ... }}</pre>
 */
public final class TopologyProblem extends RuntimeException {
    private final String setting;
    private final List<String> known;

    TopologyProblem(String message, String setting, List<String> known) {
        super(message, null, false, false);
        this.setting = setting;
        this.known = List.copyOf(known);
    }

    /** The dotted name of the key that does not fit ({@code waf.ipSet.nmae}). */
    public String setting() {
        return setting;
    }

    /** The keys that are allowed where the unknown one is, in the schema's order; empty for other problems. */
    public List<String> known() {
        return known;
    }
}
