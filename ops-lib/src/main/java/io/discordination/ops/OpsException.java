package io.discordination.ops;

import java.util.StringJoiner;

/**
 * The one unchecked exception family of the library. A message says what failed; the optional
 * service, environment and resource say where; {@link #hint()} says what to do next.
 *
 * <pre>{@code throw OpsException.builder("ECS service not found").service("ecs").resource("apii").hint("known: api, gateway").build();}</pre>
 */
public class OpsException extends RuntimeException {

    /** The numbers of {@link ExitCode}, for code that compares exit codes as ints. */
    public static final int EXIT_OK = ExitCode.OK.code();
    public static final int EXIT_FAILED = ExitCode.FAILED.code();
    public static final int EXIT_BAD_INPUT = ExitCode.INVALID_INPUT.code();
    public static final int EXIT_REFUSED = ExitCode.REFUSED.code();

    private final String what;
    private final String service;
    private final String environment;
    private final String resource;
    private final String hint;

    public OpsException(String what) {
        this(builder(what), null);
    }

    public OpsException(String what, Throwable cause) {
        this(builder(what), cause);
    }

    protected OpsException(Builder b, Throwable cause) {
        super(compose(b), cause);
        this.what = b.what;
        this.service = b.service;
        this.environment = b.environment;
        this.resource = b.resource;
        this.hint = b.hint;
    }

    public static Builder builder(String what) {
        return new Builder(what);
    }

    public String what() { return what; }
    public String service() { return service; }
    public String environment() { return environment; }
    public String resource() { return resource; }
    public String hint() { return hint; }

    /** The exit code the CLI returns for this failure. */
    public int exitCode() {
        return EXIT_FAILED;
    }

    private static String compose(Builder b) {
        StringBuilder sb = new StringBuilder(b.what);
        StringJoiner where = new StringJoiner(", ", " [", "]").setEmptyValue("");
        if (b.environment != null) where.add("env " + b.environment);
        if (b.service != null) where.add(b.service);
        if (b.resource != null) where.add(b.resource);
        sb.append(where);
        if (b.hint != null && !b.hint.isBlank()) sb.append(". ").append(b.hint);
        return sb.toString();
    }

    /** Builds any member of the family; {@code build()} gives the plain kind, the {@code as...} methods the others. */
    public static final class Builder {
        private final String what;
        private String service;
        private String environment;
        private String resource;
        private String hint;
        private Throwable cause;

        private Builder(String what) {
            this.what = what;
        }

        public Builder service(String service) { this.service = service; return this; }
        public Builder environment(String environment) { this.environment = environment; return this; }
        public Builder resource(String resource) { this.resource = resource; return this; }
        public Builder hint(String hint) { this.hint = hint; return this; }
        public Builder cause(Throwable cause) { this.cause = cause; return this; }

        public OpsException build() { return new OpsException(this, cause); }
        public InvalidInputException invalidInput() { return new InvalidInputException(this, cause); }
        public NotFoundException notFound() { return new NotFoundException(this, cause); }
        public RefusedException refused() { return new RefusedException(this, cause); }
        public AccessDeniedException accessDenied() { return new AccessDeniedException(this, cause); }
    }

    /** Bad input from the operator or the caller: nothing was changed. Exit code 2. */
    public static class InvalidInputException extends OpsException {
        protected InvalidInputException(Builder b, Throwable cause) { super(b, cause); }
        public InvalidInputException(String what) { this(builder(what), null); }
        @Override public int exitCode() { return EXIT_BAD_INPUT; }
    }

    /** A named thing does not exist in the environment. */
    public static class NotFoundException extends OpsException {
        protected NotFoundException(Builder b, Throwable cause) { super(b, cause); }
        @Override public int exitCode() { return EXIT_FAILED; }
    }

    /** The operator (or the absence of one) did not confirm an effect: nothing was changed. Exit code 3. */
    public static class RefusedException extends OpsException {
        protected RefusedException(Builder b, Throwable cause) { super(b, cause); }
        public RefusedException(String what) { this(builder(what), null); }
        @Override public int exitCode() { return EXIT_REFUSED; }
    }

    /** The remote side denied the call; the hint names the permission to ask for. */
    public static class AccessDeniedException extends OpsException {
        protected AccessDeniedException(Builder b, Throwable cause) { super(b, cause); }
    }
}
