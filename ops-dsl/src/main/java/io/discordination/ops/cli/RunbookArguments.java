package io.discordination.ops.cli;

import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.LinkedHashMap;
import java.util.Map;

/** The runbook and its {@code --param NAME=VALUE}s, shared by {@code ops plan} and {@code ops run}. */
public final class RunbookArguments {
    @Parameters(index = "0", paramLabel = "RUNBOOK", description = "A runbook name (see: ops list) or a path to a .jsh or .groovy file.")
    String runbook;

    @Option(names = {"-p", "--param"}, paramLabel = "NAME=VALUE", description = "A parameter value; repeat for several.")
    Map<String, String> params = new LinkedHashMap<>();
}
