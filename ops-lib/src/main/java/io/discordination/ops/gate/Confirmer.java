package io.discordination.ops.gate;

import io.discordination.ops.env.Environment;
import io.discordination.ops.text.TerminalText;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * Decides whether a destructive effect may go ahead. The rules:
 * <ul>
 *   <li>a protected environment (prod) needs its name typed once per run, or given up front
 *       ({@code --confirm-env prod}), even with {@code --yes};</li>
 *   <li>{@code --yes} approves every destructive effect;</li>
 *   <li>otherwise an operator at a terminal answers {@code y/N} for each one, seeing what it does and
 *       how much it touches (the first one on a protected environment right after typing its name);</li>
 *   <li>with no terminal and no {@code --yes}, every destructive effect is refused.</li>
 * </ul>
 *
 * <pre>{@code Confirmer c = Confirmer.terminal(false);   // ask at the terminal, if there is one}</pre>
 */
public final class Confirmer {
    /** Asks one question and returns the answer, or null at end of input. */
    @FunctionalInterface
    public interface Prompt {
        String ask(String question);
    }

    /** The outcome of a decision: approved, or refused with the reason to show. */
    public record Decision(boolean approved, String reason) {
        static Decision yes() { return new Decision(true, null); }
        static Decision no(String reason) { return new Decision(false, reason); }
    }

    /**
     * What the prompt says about an effect besides its own fields: what it touches and how much,
     * whether the target was used lately ({@code touches: ...}, {@code last used: ...}). Asked only
     * when a person is about to be asked; it should be quick.
     */
    @FunctionalInterface
    public interface Describer {
        List<String> about(Effect effect);
    }

    private static final String ANY_ENVIRONMENT = "*";

    /** The reason of a refusal because the operator answered no at the prompt. */
    public static final String DECLINED = "declined at the prompt";

    private final boolean yes;
    private final String typedEnvironment;
    private final Prompt prompt;
    private final Describer describer;
    private volatile String confirmedEnvironment;

    private Confirmer(boolean yes, String typedEnvironment, Prompt prompt) {
        this(yes, typedEnvironment, prompt, null);
    }

    private Confirmer(boolean yes, String typedEnvironment, Prompt prompt, Describer describer) {
        this.yes = yes;
        this.typedEnvironment = typedEnvironment;
        this.prompt = prompt;
        this.describer = describer;
    }

    /** The same rules, the prompt also showing what {@code describer} says about each effect. */
    public Confirmer describing(Describer describer) {
        Confirmer c = new Confirmer(yes, typedEnvironment, prompt, describer);
        c.confirmedEnvironment = confirmedEnvironment;
        return c;
    }

    /** Asks at the process's terminal when there is one; without one, behaves as {@link #nonInteractive}. */
    public static Confirmer terminal(boolean yes) {
        return terminal(yes, null);
    }

    public static Confirmer terminal(boolean yes, String typedEnvironment) {
        Console console = System.console();
        if (console == null) return nonInteractive(yes, typedEnvironment);
        return new Confirmer(yes, typedEnvironment, question -> {
            console.writer().print(question);
            console.writer().flush();
            return console.readLine();
        });
    }

    /** No one to ask: approves only with {@code yes} (and, on a protected environment, its name given up front). */
    public static Confirmer nonInteractive(boolean yes, String typedEnvironment) {
        return new Confirmer(yes, typedEnvironment, null);
    }

    /** Asks on the given streams: for tests, and for front ends with their own terminal. */
    public static Confirmer streams(BufferedReader in, PrintStream out, boolean yes) {
        return new Confirmer(yes, null, question -> {
            out.print(question);
            out.flush();
            try {
                return in.readLine();
            } catch (IOException e) {
                return null;
            }
        });
    }

    /** Asks through {@code prompt}: for front ends that own the terminal (the REPL). */
    public static Confirmer asking(Prompt prompt, boolean yes) {
        return new Confirmer(yes, null, java.util.Objects.requireNonNull(prompt, "prompt"));
    }

    /** Approves everything, protected environments included: for embedding code that did its own confirmation. */
    public static Confirmer approveAll() {
        Confirmer confirmer = new Confirmer(true, null, null);
        confirmer.confirmedEnvironment = ANY_ENVIRONMENT;
        return confirmer;
    }

    public boolean isInteractive() {
        return prompt != null;
    }

    public boolean assumesYes() {
        return yes;
    }

    /** Decides for one destructive effect in {@code environment}. */
    public Decision decide(Effect effect, Environment environment) {
        return decide(effect, environment, null);
    }

    /**
     * As above; {@code undo} is the prompt's undo line ({@code ops undo RUN reverses it}, {@code cannot be
     * undone}), null for the effect's own inverse or "cannot be undone".
     */
    public synchronized Decision decide(Effect effect, Environment environment, String undo) {
        boolean described = false;
        if (environment.isProtected() && !environmentConfirmed(environment.name())) {
            if (environment.name().equals(typedEnvironment)) {
                confirmedEnvironment = environment.name();
            } else if (prompt == null) {
                return Decision.no("environment " + environment.name() + " is protected: type its name in a terminal, or pass --confirm-env "
                        + environment.name());
            } else {
                String answer = prompt.ask(describe(effect, undo) + "Environment " + environment.name()
                        + " is protected. Type its name to go on: ");
                if (answer == null || !answer.trim().equals(environment.name())) {
                    return Decision.no("the environment name was not typed");
                }
                confirmedEnvironment = environment.name();
                described = true;
            }
        }
        if (yes) return Decision.yes();
        if (prompt == null) {
            return Decision.no("it is destructive and there is no terminal to confirm it: re-run with --yes to approve");
        }
        String answer = prompt.ask((described ? "" : describe(effect, undo)) + "Apply this destructive effect in " + environment.name() + "? [y/N] ");
        if (answer != null && answer.trim().toLowerCase(Locale.ROOT).matches("y|yes")) return Decision.yes();
        return Decision.no(answer == null ? "not confirmed: the input ended" : DECLINED);
    }

    /** What the describer says; a describer that fails says nothing rather than stopping the prompt. */
    private List<String> about(Effect effect) {
        if (describer == null) return List.of();
        try {
            List<String> lines = describer.about(effect);
            return lines == null ? List.of() : lines;
        } catch (RuntimeException e) {
            return List.of("context: could not be read (" + e.getClass().getSimpleName() + ")");
        }
    }

    private boolean environmentConfirmed(String name) {
        return ANY_ENVIRONMENT.equals(confirmedEnvironment) || name.equals(confirmedEnvironment);
    }

    /** The effect as the prompt shows it; its parts may name remote things (a room), so each is escaped onto its line. */
    private String describe(Effect effect, String undo) {
        StringBuilder sb = new StringBuilder("\n  ").append(TerminalText.escape(effect.summary())).append('\n');
        // the resolved values ("keys=5000", "addressesAfter=12"): how much it touches, as the plan shows it
        if (!effect.parameters().isEmpty()) sb.append("  with:       ").append(TerminalText.escape(Effect.parametersText(effect.parameters()))).append('\n');
        if (effect.command() != null) sb.append("  command:    ").append(TerminalText.escape(Effect.shownCommand(effect.command()))).append('\n');
        for (String line : about(effect)) {
            int colon = line.indexOf(": ");
            String label = colon > 0 && colon < 11 ? line.substring(0, colon + 1) : "";
            sb.append("  ").append(String.format("%-12s", label)).append(TerminalText.escape(line.substring(label.length()).strip())).append('\n');
        }
        String undoText = undo != null ? undo : effect.inverse() == null ? "cannot be undone" : effect.inverse();
        sb.append("  undo:       ").append(TerminalText.escape(undoText)).append('\n');
        return sb.toString();
    }
}
