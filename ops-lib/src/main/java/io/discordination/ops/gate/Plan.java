package io.discordination.ops.gate;

import io.discordination.ops.text.Table;

import java.util.ArrayList;
import java.util.List;

/**
 * The effects a dry run would have had, in order, each with the step that asked for it.
 * Thread-safe: parallel verbs may add to one plan.
 *
 * <pre>{@code context.plan().effects().forEach(System.out::println);}</pre>
 */
public final class Plan {
    /**
     * One planned effect; {@code step} is the runbook step that asked for it, or null outside a
     * runbook; {@code undoable} says whether {@code ops undo} can reverse it once it has run.
     */
    public record Entry(String step, Effect effect, boolean undoable) {
        public Entry(String step, Effect effect) {
            this(step, effect, false);
        }
    }

    private final List<Entry> entries = new ArrayList<>();
    private volatile String currentStep;

    /** Marks the effects added from now on as asked for by {@code step}. */
    public void step(String step) {
        this.currentStep = step;
    }

    synchronized void add(Effect effect) {
        add(effect, false);
    }

    synchronized void add(Effect effect, boolean undoable) {
        entries.add(new Entry(currentStep, effect, undoable));
    }

    public synchronized List<Entry> entries() {
        return List.copyOf(entries);
    }

    public List<Effect> effects() {
        return entries().stream().map(Entry::effect).toList();
    }

    public synchronized boolean isEmpty() {
        return entries.isEmpty();
    }

    @Override
    public String toString() {
        Table table = Table.with("#", "EFFECT", "DESTRUCTIVE", "COMMAND");
        int i = 1;
        for (Entry e : entries()) {
            table.row(i++, e.effect().summary(), e.effect().destructive() ? "yes" : "", e.effect().command());
        }
        return table.toString();
    }
}
