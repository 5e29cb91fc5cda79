package io.discordination.ops.drill;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.discordination.ops.runbook.testing.Cli;
import io.discordination.ops.sandbox.Sandbox;
import io.discordination.ops.sandbox.junit.SandboxExtension;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The JUnit side of {@link Drill}: runs {@code ops drill NAME --yes --output json} through the
 * command line in this JVM against the test sandbox ({@link SandboxExtension}), once per test
 * method, and resolves {@link DrillReport} and {@link Outcome} parameters. {@link #drill} does
 * the same for parameterized tests.
 */
public final class DrillExtension implements ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(DrillExtension.class);
    private static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /** What {@code ops drill} returned: its exit code, its report, and what it printed on stderr. */
    public record Outcome(int exitCode, DrillReport report, String stderr) {
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext extension) {
        Class<?> type = parameter.getParameter().getType();
        return (type == DrillReport.class || type == Outcome.class)
                && extension.getTestMethod().map(m -> m.isAnnotationPresent(Drill.class)).orElse(false);
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext extension) {
        Drill drill = extension.getRequiredTestMethod().getAnnotation(Drill.class);
        Outcome outcome = extension.getStore(NAMESPACE).getOrComputeIfAbsent("outcome", key -> drill(drill.value(),
                drill.runbook().isEmpty() ? null : Cli.projectRoot().resolve(drill.runbook())), Outcome.class);
        if (parameter.getParameter().getType() == DrillReport.class) return outcome.report();
        if (parameter.getParameter().getType() == Outcome.class) return outcome;
        throw new ParameterResolutionException("DrillExtension cannot resolve " + parameter.getParameter().getType());
    }

    /** Drills {@code scenario} with the shipped runbook, or with {@code runbook} when given. */
    public static Outcome drill(String scenario, Path runbook) {
        Sandbox sandbox = Sandbox.at(SandboxExtension.testHome());
        Path envFile = sandbox.up().environmentFile();
        Path home;
        try {
            home = Files.createDirectories(SandboxExtension.testHome().resolve("drill-runs"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> args = new ArrayList<>(List.of("drill", scenario, "--env", envFile.toString(), "--yes", "--output", "json"));
        if (runbook != null) args.addAll(List.of("--runbook", runbook.toString()));
        Cli.Result result = new Cli(home, Cli.projectRoot()).run(args.toArray(String[]::new));
        try {
            JsonNode doc = JSON.readTree(result.out());
            JsonNode first = doc == null ? null : doc.path("drills").get(0);
            if (first == null) {
                throw new AssertionError("ops drill " + scenario + " printed no report (exit " + result.exitCode() + "): " + result.all());
            }
            return new Outcome(result.exitCode(), JSON.treeToValue(first, DrillReport.class), result.err());
        } catch (IOException e) {
            throw new AssertionError("ops drill " + scenario + " printed no report (exit " + result.exitCode() + "): " + result.all(), e);
        }
    }
}
