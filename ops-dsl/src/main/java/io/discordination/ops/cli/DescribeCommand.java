package io.discordination.ops.cli;

import io.discordination.ops.ExitCode;
import io.discordination.ops.OpsException;
import io.discordination.ops.OpsPaths;
import io.discordination.ops.env.Environment;
import io.discordination.ops.registry.ApprovalPolicy;
import io.discordination.ops.runbook.StepCommands;
import io.discordination.ops.runbook.Parameter;
import io.discordination.ops.runbook.Runbook;
import io.discordination.ops.runbook.Step;
import io.discordination.ops.text.Durations;
import io.discordination.ops.text.Table;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code ops describe NAME}: a runbook's parameters and steps with their equivalent commands. Needs no server. */
@Command(name = "describe", mixinStandardHelpOptions = true,
        footerHeading = "%nExamples:%n",
        footer = {
                "  ops describe flush-redis-cache",
                "  ops describe compromised-account --env prod   with production's names",
                "  ops describe s3-usage --output json"},
        description = "Show a runbook: parameters, steps, and each step's equivalent commands with an environment's names.")
final class DescribeCommand extends OpsSubcommand {
    @Parameters(index = "0", paramLabel = "RUNBOOK", description = "A runbook name (see: ops list) or a path.")
    String runbook;

    /** Whose names fill the commands (local by default; if it cannot be read, placeholders stay). */
    @Mixin
    EnvironmentOption environmentOption;

    @Mixin
    OutputOption output;

    @Override
    protected ExitCode execute() {
        String environment = environmentOption.name();
        Runbook rb = RunbookInvocation.load(runbook);
        Environment env = null;
        try {
            env = Environment.named(environment, OpsPaths.home(), OpsPaths.environments(), System::getenv);
        } catch (OpsException unreadable) {
            if (!"local".equals(environment)) throw unreadable;
        }
        StepCommands template = StepCommands.forDocs(env, rb.parameters());
        List<String> approvals = approvals(env, rb);
        PrintWriter out = out();
        if (output.isJson()) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("name", rb.name());
            json.put("title", rb.title());
            json.put("section", rb.section());
            json.put("symptoms", rb.symptoms());
            json.put("file", rb.source().displayName());
            json.put("parameters", rb.parameters().stream().map(DescribeCommand::parameterJson).toList());
            json.put("steps", rb.steps().stream().map(s -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("number", s.number());
                m.put("kind", s.kind().label());
                m.put("title", s.title());
                if (s.text() != null) m.put("text", s.text());
                m.put("commands", s.shownCommands(template));
                return m;
            }).toList());
            if (!approvals.isEmpty()) json.put("approvals", approvals);
            output.print(out, json);
            return ExitCode.OK;
        }
        out.println(rb.title() + "  (" + rb.name() + ", " + rb.source().displayName() + ")");
        if (rb.section() != null) out.println("Section: " + rb.section());
        if (rb.symptoms() != null) out.println("Symptoms: " + rb.symptoms());
        if (!approvals.isEmpty()) {
            int required = SavedPlans.policy(env).required();
            out.println("Approvals (" + env.name() + "): " + SavedPlans.approvals(required) + " by another operator when "
                    + String.join("; or ", approvals) + ": ops plan " + rb.name() + " --save, ops approve PLAN_ID, ops apply PLAN_ID");
        }
        out.println();
        if (!rb.parameters().isEmpty()) {
            Table t = Table.with("PARAMETER", "TYPE", "REQUIRED", "DEFAULT", "DESCRIPTION");
            for (Parameter p : rb.parameters()) {
                t.row(p.name(), p.type().label() + (p.isMany() ? " (list)" : "") + (p.isSecret() ? " (secret)" : ""),
                        p.isRequired() ? "yes" : "no", p.isSecret() && p.defaultValue() != null ? "****" : p.defaultValue(),
                        p.description() == null ? p.expected() : p.description());
            }
            out.print(t);
            out.println();
        }
        for (Step s : rb.steps()) {
            out.println(s.number() + ". " + s.title() + "  [" + s.kind().label()
                    + (s.kind() == Step.Kind.VERIFY ? ", up to " + Durations.format(s.timeout()) + " every " + Durations.format(s.interval()) : "") + "]");
            if (s.text() != null) out.println("   " + s.text());
            for (String c : s.shownCommands(template)) out.println("   $ " + c);
        }
        out.flush();
        if (env == null) {
            err().println("ops: the local environment is not set up (no sandbox); commands show placeholders. Use --env prod for production names.");
            err().flush();
        }
        return ExitCode.OK;
    }

    /** The approvals rules of {@code env} that can apply to {@code rb}, in words. */
    private static List<String> approvals(Environment env, Runbook rb) {
        if (env == null) return List.of();
        List<String> rules = new java.util.ArrayList<>();
        List<ApprovalPolicy.Rule> named = SavedPlans.policy(env).rules().stream().sorted(
                java.util.Comparator.comparing(ApprovalPolicy.Rule::destructive)).toList();
        for (ApprovalPolicy.Rule r : named) {
            if (r.destructive()) rules.add("its plan has a destructive effect (rule 'destructive')");
            else if (r.runbook().equals(rb.name())) rules.add(r.values().isEmpty() ? "it runs (rule '" + r.text() + "')"
                    : "run with " + r.text().substring(r.runbook().length()).trim() + " (rule '" + r.text() + "')");
        }
        return rules;
    }

    static Map<String, Object> parameterJson(Parameter p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", p.name());
        m.put("type", p.type().label());
        m.put("required", p.isRequired());
        if (p.defaultValue() != null) m.put("default", p.isSecret() ? "****" : p.defaultValue());
        if (p.description() != null) m.put("description", p.description());
        if (!p.choices().isEmpty()) m.put("choices", p.choices());
        if (p.isMany()) m.put("many", true);
        if (p.isSecret()) m.put("secret", true);
        m.put("expected", p.expected());
        return m;
    }

}
