package io.discordination.ops.topology;

/**
 * Where a {@link Setting}'s variables come from and how its problems are reported: the loaded
 * environment file supplies both, so an error names the variable, the setting and the file.
 *
 * <pre>{@code Topology topology = TopologyFiles.read(tree, source);}</pre>
 */
public interface SettingSource {
    /** The value of the shell variable {@code name}, or null when it is not set. */
    String variable(String name);

    /** The error for a {@code ${variable}} without a default that is not set, read for {@code setting}. */
    RuntimeException unsetVariable(String variable, String setting);

    /** The error for a {@code setting} that is needed but absent or empty. */
    RuntimeException missingValue(String setting);

    /** For values written in code (the sandbox's): no variables, and a plain error for a missing value. */
    SettingSource LITERAL = new SettingSource() {
        @Override
        public String variable(String name) {
            return null;
        }

        @Override
        public RuntimeException unsetVariable(String variable, String setting) {
            return new IllegalStateException("Variable " + variable + " is not set; '" + setting + "' needs it");
        }

        @Override
        public RuntimeException missingValue(String setting) {
            return new IllegalStateException("No value for '" + setting + "'");
        }
    };
}
