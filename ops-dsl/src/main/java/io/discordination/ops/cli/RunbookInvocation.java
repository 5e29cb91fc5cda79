package io.discordination.ops.cli;

import io.discordination.ops.OpsContext;
import io.discordination.ops.OpsPaths;
import io.discordination.ops.env.Environment;
import io.discordination.ops.gate.Confirmer;
import io.discordination.ops.runbook.Runbook;
import io.discordination.ops.runbook.RunbookLoader;
import io.discordination.ops.text.Progress;

import java.io.PrintWriter;

/** What {@code plan}, {@code run} and {@code repl} share: finding and loading a runbook, opening the context. */
final class RunbookInvocation {
    private RunbookInvocation() {
    }

    static Runbook load(String nameOrPath) {
        RunbookLoader loader = RunbookLoader.standard();
        return loader.load(loader.find(nameOrPath));
    }

    /**
     * The environment {@code name}; for {@code local}, the sandbox is started first when it is not
     * up, with one line on stderr saying so.
     */
    static Environment environment(String name, PrintWriter err) {
        if ("local".equals(name)) LocalSandbox.ensureUp(OpsPaths.home(), err);
        return Environment.named(name);
    }

    static OpsContext open(Environment environment, boolean dryRun, Confirmer confirmer) {
        OpsContext.Builder b = OpsContext.builder().environment(environment).opsHome(OpsPaths.home())
                .confirmer(confirmer).progress(Progress.detectStyle(), System.err);
        if (dryRun) b.dryRun();
        OpsContext context = b.build();
        Redaction.use(context.redactor());
        return context;
    }
}
