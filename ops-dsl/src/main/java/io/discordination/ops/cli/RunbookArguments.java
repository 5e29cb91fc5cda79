package io.discordination.ops.cli;

import io.discordination.ops.OpsException;
import io.discordination.ops.runbook.Parameter;
import io.discordination.ops.runbook.Runbook;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The runbook and its {@code --param NAME=VALUE}s, shared by {@code ops plan} and {@code ops run}. */
public final class RunbookArguments {
    @Parameters(index = "0", paramLabel = "RUNBOOK", description = "A runbook name (see: ops list) or a path to a .jsh or .groovy file.")
    String runbook;

    /** Every {@code --param} as typed, in order: a repeated name must not silently keep only its last value. */
    private final List<String> given = new ArrayList<>();

    @Option(names = {"-p", "--param"}, paramLabel = "NAME=VALUE",
            description = "A parameter value; repeat for several. A list parameter may also be repeated: block=A --param block=B.")
    void param(List<String> values) {
        given.clear();
        given.addAll(values);
    }

    /**
     * The values by name, for {@code rb}: a list parameter given more than once gets its values
     * joined ({@code a,b}); any other parameter given twice is bad input (exit 2), as is a value
     * without {@code NAME=}.
     */
    Map<String, String> params(Runbook rb) {
        Map<String, String> byName = new LinkedHashMap<>();
        for (String nameValue : given) {
            int eq = nameValue.indexOf('=');
            if (eq <= 0) {
                throw OpsException.builder("--param takes NAME=VALUE; got '" + (nameValue.length() > 60 ? nameValue.substring(0, 60) + "..." : nameValue)
                        + "'").invalidInput();
            }
            String name = nameValue.substring(0, eq);
            String value = nameValue.substring(eq + 1);
            String earlier = byName.get(name);
            if (earlier == null) {
                byName.put(name, value);
                continue;
            }
            Optional<Parameter> declared = rb.parameter(name);
            if (declared.isPresent() && declared.get().isMany()) {
                byName.put(name, earlier + "," + value);
            } else {
                throw OpsException.builder("parameter '" + name + "' is given more than once; it takes one value")
                        .hint("give it once; nothing was run").invalidInput();
            }
        }
        return byName;
    }
}
