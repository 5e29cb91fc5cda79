package io.discordination.ops.runbook;

import groovy.lang.Closure;
import groovy.lang.DelegatesTo;
import io.discordination.ops.gate.CommandTemplate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The runbook as a script declares it, in either language: name, title, section, symptoms,
 * parameters and steps, in order. Every method returns this spec, so Java chains it and Groovy
 * calls it inside {@code runbook('name') { ... }}. {@link #command}, {@link #timeout} and
 * {@link #every} refine the step declared last. An action types no command: it names the command
 * templates of the verbs it calls ({@code Bucket.RESTORE_VERSION}), and the plan and the run show
 * the commands its effects render from them.
 *
 * <pre>{@code
 * runbook("api-not-responding", "API Service Not Responding")
 *     .symptoms("502/503 from ALB, health check failures.")
 *     .check("Check ECS task status", "aws ecs describe-services --cluster ${ecs.cluster} --services api",
 *            () -> ecs("api").status())
 *     .action("Force new deployment (rolling restart)", EcsService.FORCE_REDEPLOY, () -> ecs("api").forceRedeploy().awaitStable());
 * }</pre>
 */
public final class RunbookSpec {
    private final String name;
    private String title;
    private String section;
    private String symptoms;
    private final Map<String, Parameter> parameters = new LinkedHashMap<>();
    private final List<Step> steps = new ArrayList<>();
    private final List<Policy> policies = new ArrayList<>();

    RunbookSpec(String name, String title) {
        if (name == null || !name.matches("[a-z0-9][a-z0-9-]*")) {
            throw new IllegalArgumentException("a runbook name is lower-case letters, digits and '-', like api-not-responding: '" + name + "'");
        }
        this.name = name;
        this.title = title;
        Declarations.declared(this);
    }

    public RunbookSpec title(String title) {
        this.title = title;
        return this;
    }

    /** The section of the docs: Service Recovery, Database Operations, Cache Operations, Voice Service, File Storage, Security Incidents. */
    public RunbookSpec section(String section) {
        this.section = section;
        return this;
    }

    public RunbookSpec symptoms(String symptoms) {
        this.symptoms = symptoms;
        return this;
    }

    /** Declares a parameter: {@code .param(duration("since").defaultValue("10m"))}. */
    public RunbookSpec param(Parameter parameter) {
        Objects.requireNonNull(parameter, "parameter");
        if (parameters.containsKey(parameter.name())) {
            throw new IllegalArgumentException("parameter '" + parameter.name() + "' is declared twice");
        }
        parameters.put(parameter.name(), parameter);
        return this;
    }

    /** Groovy's form: {@code param 'scope', choices: ['api-cache', 'everything'], defaultValue: 'api-cache'}. */
    public RunbookSpec param(Map<String, ?> options, String name) {
        return param(Parameter.fromOptions(name, options));
    }

    /**
     * Inside a step, the value of the parameter {@code name} in the current run (the same as the
     * static {@code param(name)}); here so that a Groovy closure finds it whichever way it looks.
     */
    public <T> T param(String name) {
        return Runbooks.param(name);
    }

    /** Inside a step, what an earlier step returned (the same as the static {@code result(title)}). */
    public <T> T result(String stepTitle) {
        return Runbooks.result(stepTitle);
    }

    /** A read: runs in plan and in run. */
    public RunbookSpec check(String title, StepBody body) {
        return add(Step.Kind.CHECK, title, null, Objects.requireNonNull(body, "body"), null);
    }

    /** A read with its equivalent shell command. */
    public RunbookSpec check(String title, String command, StepBody body) {
        return check(title, body).command(command);
    }

    /** A change through the Gate: planned in plan (effects recorded), performed in run. */
    public RunbookSpec action(String title, StepBody body) {
        return add(Step.Kind.ACTION, title, null, Objects.requireNonNull(body, "body"), null);
    }

    /** A change through the verb whose command template is {@code template} ({@code EcsService.FORCE_REDEPLOY}). */
    public RunbookSpec action(String title, CommandTemplate template, StepBody body) {
        return action(title, List.of(Objects.requireNonNull(template, "template")), body);
    }

    /** A change through several verbs, each named by its command template, in the order the step applies them. */
    public RunbookSpec action(String title, List<CommandTemplate> templates, StepBody body) {
        action(title, body);
        Step last = last("action");
        for (CommandTemplate t : templates) Objects.requireNonNull(t, "template");
        replaceLast(new Step(last.number(), last.kind(), last.title(), last.commands(), templates, last.text(), last.body(),
                last.condition(), last.timeout(), last.interval()));
        return this;
    }

    /** A manual instruction: shown, never executed ({@code "Scale up: increase db_max_connections in Terraform vars"}). */
    public RunbookSpec advice(String title) {
        return add(Step.Kind.ADVICE, title, null, null, null);
    }

    /** A manual instruction with more detail below its title. */
    public RunbookSpec advice(String title, String text) {
        return add(Step.Kind.ADVICE, title, text, null, null);
    }

    /** Polls {@code condition} until it holds ({@link #timeout} and {@link #every} tune it); fails the run on timeout. */
    public RunbookSpec verify(String title, Condition condition) {
        return add(Step.Kind.VERIFY, title, null, null, Objects.requireNonNull(condition, "condition"));
    }

    /**
     * A rule checked before the first step of every plan and run ({@link Policy}): {@code check}
     * returns null to let the run go ahead, or the reason it is refused. Use it for a refusal that
     * would otherwise come from a later step, after earlier steps changed things.
     */
    public RunbookSpec policy(String title, Policy.Check check) {
        if (title == null || title.isBlank()) throw new IllegalArgumentException("a policy needs a title");
        policies.add(new Policy(title, Objects.requireNonNull(check, "check")));
        return this;
    }

    /**
     * Adds equivalent shell commands to the read step declared last (placeholders: {@code ${ecs.cluster}}, {@code ${user}}).
     * An action takes none: its commands are its effects', named by their templates.
     */
    public RunbookSpec command(String... commands) {
        Step last = last("command");
        if (last.kind() == Step.Kind.ACTION) {
            throw new IllegalArgumentException("action '" + last.title() + "' types no command: name the templates of the verbs it calls, "
                    + "action(title, Bucket.RESTORE_VERSION, body), and its effects render the commands");
        }
        List<String> all = new ArrayList<>(last.commands());
        for (String c : commands) all.add(Objects.requireNonNull(c, "command"));
        replaceLast(new Step(last.number(), last.kind(), last.title(), all, last.templates(), last.text(), last.body(), last.condition(),
                last.timeout(), last.interval()));
        return this;
    }

    /** How long the verify step declared last polls before the run fails (default 2 minutes). */
    public RunbookSpec timeout(Duration timeout) {
        Step last = verifyStep("timeout");
        replaceLast(new Step(last.number(), last.kind(), last.title(), last.commands(), last.templates(), last.text(), null,
                last.condition(), positive(timeout, "timeout"), last.interval()));
        return this;
    }

    /** How often the verify step declared last polls (default every 5 seconds). */
    public RunbookSpec every(Duration interval) {
        Step last = verifyStep("every");
        replaceLast(new Step(last.number(), last.kind(), last.title(), last.commands(), last.templates(), last.text(), null,
                last.condition(), last.timeout(), positive(interval, "every")));
        return this;
    }

    /** For Groovy: {@code runbook('x') { ... }} configures this spec with the closure. */
    public RunbookSpec configure(@DelegatesTo(value = RunbookSpec.class, strategy = Closure.DELEGATE_FIRST) Closure<?> body) {
        Closure<?> c = (Closure<?>) body.clone();
        c.setResolveStrategy(Closure.DELEGATE_FIRST);
        c.setDelegate(this);
        c.call(this);
        return this;
    }

    public String name() {
        return name;
    }

    /** The immutable runbook, checked: a title and at least one step. */
    public Runbook build(ScriptSource source) {
        if (title == null || title.isBlank()) {
            throw new IllegalArgumentException("runbook '" + name + "' has no title: runbook(\"" + name + "\", \"Title\") or title 'Title'");
        }
        if (steps.isEmpty()) throw new IllegalArgumentException("runbook '" + name + "' has no steps");
        return new Runbook(name, title, section, symptoms, List.copyOf(parameters.values()), List.copyOf(steps), source,
                List.copyOf(policies));
    }

    private RunbookSpec add(Step.Kind kind, String title, String text, StepBody body, Condition condition) {
        if (title == null || title.isBlank()) throw new IllegalArgumentException("a " + kind.label() + " step needs a title");
        for (Step s : steps) {
            if (s.title().equals(title)) {
                throw new IllegalArgumentException("two steps are titled '" + title + "'; titles name steps for result(...) and resume");
            }
        }
        steps.add(new Step(steps.size() + 1, kind, title, List.of(), List.of(), text, body, condition,
                kind == Step.Kind.VERIFY ? Step.DEFAULT_TIMEOUT : null, kind == Step.Kind.VERIFY ? Step.DEFAULT_INTERVAL : null));
        return this;
    }

    private Step last(String what) {
        if (steps.isEmpty()) throw new IllegalArgumentException(what + "(...) refines the step declared before it; declare a step first");
        return steps.get(steps.size() - 1);
    }

    private Step verifyStep(String what) {
        Step last = last(what);
        if (last.kind() != Step.Kind.VERIFY) {
            throw new IllegalArgumentException(what + "(...) applies to a verify step; step '" + last.title() + "' is a " + last.kind().label());
        }
        return last;
    }

    private void replaceLast(Step step) {
        steps.set(steps.size() - 1, step);
    }

    private static Duration positive(Duration d, String what) {
        if (d == null || d.isNegative() || d.isZero()) throw new IllegalArgumentException(what + " must be a positive duration");
        return d;
    }
}
