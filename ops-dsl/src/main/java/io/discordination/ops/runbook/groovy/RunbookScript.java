package io.discordination.ops.runbook.groovy;

import groovy.lang.Closure;
import groovy.lang.DelegatesTo;
import groovy.lang.Script;
import io.discordination.ops.runbook.RunbookSpec;
import io.discordination.ops.runbook.Runbooks;

import java.util.ArrayList;
import java.util.List;

/**
 * The base class of every {@code .groovy} runbook: {@code runbook('name') { ... }} declares, and
 * inside steps {@code param('user')} and {@code result('Check ECS task status')} read the current
 * run, as in JShell. {@code Ops.*} and {@code Parameter.*} are imported statically.
 *
 * <pre>{@code
 * runbook('flush-redis-cache') {
 *     title 'Flush Redis Cache'
 *     param 'scope', choices: ['api-cache', 'rate-limits', 'everything'], defaultValue: 'api-cache'
 *     action('Flush the chosen keys') { redis().deleteMatching(param('scope') == 'api-cache' ? 'api:cache:*' : 'rl:*') }
 * }
 * }</pre>
 */
public abstract class RunbookScript extends Script {
    private final List<RunbookSpec> declared = new ArrayList<>();

    /** Declares a runbook and configures it with {@code body}, whose methods are {@link RunbookSpec}'s. */
    public RunbookSpec runbook(String name,
                               @DelegatesTo(value = RunbookSpec.class, strategy = Closure.DELEGATE_FIRST) Closure<?> body) {
        return declare(Runbooks.runbook(name)).configure(body);
    }

    public RunbookSpec runbook(String name, String title,
                               @DelegatesTo(value = RunbookSpec.class, strategy = Closure.DELEGATE_FIRST) Closure<?> body) {
        return declare(Runbooks.runbook(name, title)).configure(body);
    }

    /** The Java-style chain: {@code runbook('x', 'Title').check(...)...}. */
    public RunbookSpec runbook(String name, String title) {
        return declare(Runbooks.runbook(name, title));
    }

    public <T> T param(String name) {
        return Runbooks.param(name);
    }

    public <T> T result(String stepTitle) {
        return Runbooks.result(stepTitle);
    }

    private RunbookSpec declare(RunbookSpec spec) {
        declared.add(spec);
        return spec;
    }

    /** The runbooks this script declared when it ran. */
    public List<RunbookSpec> declared() {
        return List.copyOf(declared);
    }
}
