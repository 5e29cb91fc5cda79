package io.discordination.ops.runbook;

import io.discordination.ops.OpsException;
import io.discordination.ops.Secret;
import io.discordination.ops.account.UserId;
import io.discordination.ops.livekit.LiveKit;
import io.discordination.ops.rds.RdsIdentifiers;
import io.discordination.ops.s3.Bucket;
import io.discordination.ops.text.Durations;
import io.discordination.ops.waf.Cidr;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A typed runbook parameter: its name, type, description, default, and whether it is required or
 * secret. {@link #parse} turns what the operator typed into the typed value a step reads with
 * {@code param("name")}, or a one-line error naming the parameter and what is expected.
 * Every type has a length limit and refuses control characters (a newline, an escape), and the
 * types whose values a verb of the library takes are parsed by that verb's own rule
 * ({@link Cidr#parse}, {@link RdsIdentifiers}, {@link LiveKit#requireRoomName}, ...), so a value
 * that passes here is never refused later, after something has changed.
 *
 * <table>
 *   <caption>Types and the values steps get</caption>
 *   <tr><td>{@link #string}</td><td>{@code String}, at most {@value #STRING_MAX} characters</td></tr>
 *   <tr><td>{@link #integer}</td><td>{@code Integer} (with {@link #min}/{@link #max})</td></tr>
 *   <tr><td>{@link #duration}</td><td>{@code java.time.Duration} from {@code 10m}, {@code 1h30m}; at most 365 days</td></tr>
 *   <tr><td>{@link #userId}</td><td>{@code String}: a UUID, lower case</td></tr>
 *   <tr><td>{@link #channelId}</td><td>{@code String}: a snowflake, 1 to 20 digits</td></tr>
 *   <tr><td>{@link #cidr}</td><td>{@code String} IPv4/IPv6 CIDR as {@link Cidr#parse} normalizes it (a bare
 *       address gets /32 or /128, no host bits); {@link #many()} gives {@code List<String>} from {@code a,b}</td></tr>
 *   <tr><td>{@link #choice}</td><td>{@code String}, one of the choices</td></tr>
 *   <tr><td>{@link #snapshotId}</td><td>{@code String}: an RDS snapshot identifier</td></tr>
 *   <tr><td>{@link #dbInstanceId}</td><td>{@code String}: an RDS DB instance identifier</td></tr>
 *   <tr><td>{@link #instanceClass}</td><td>{@code String}: a DB instance class like {@code db.r6g.large}</td></tr>
 *   <tr><td>{@link #roomName}</td><td>{@code String}: a LiveKit room like {@code voice:<channel id>}</td></tr>
 *   <tr><td>{@link #versionId}</td><td>{@code String}: an S3 object version id</td></tr>
 *   <tr><td>{@link #fileId}</td><td>{@code String}: an attachment's id, a snowflake</td></tr>
 *   <tr><td>{@link #bool}</td><td>{@code Boolean} from true/false/yes/no</td></tr>
 *   <tr><td>{@link #secretString}</td><td>{@link Secret}: never printed, journaled or audited</td></tr>
 * </table>
 *
 * <pre>{@code .param(userId("user").description("The compromised account"))}</pre>
 */
public final class Parameter {
    /** The kinds of value a parameter takes. */
    public enum Type {
        STRING("string", STRING_MAX), INTEGER("int", 20), DURATION("duration", 64), USER_ID("userId", 36),
        CHANNEL_ID("channelId", 20), CIDR("cidr", 43), CHOICE("choice", STRING_MAX), SNAPSHOT_ID("snapshotId", 1024),
        BOOLEAN("boolean", 5), DB_INSTANCE_ID("dbInstanceId", 63), INSTANCE_CLASS("instanceClass", RdsIdentifiers.INSTANCE_CLASS_MAX),
        ROOM("room", LiveKit.ROOM_NAME_MAX), VERSION_ID("versionId", Bucket.VERSION_ID_MAX), FILE_ID("fileId", 20);

        private final String label;
        private final int maxLength;

        Type(String label, int maxLength) {
            this.label = label;
            this.maxLength = maxLength;
        }

        /** The longest value (one item of a list) this type takes, in characters. */
        public int maxLength() {
            return maxLength;
        }

        /** The name scripts use: {@code param 'user', type: 'userId'}. */
        public String label() {
            return label;
        }

        public static Type fromLabel(String label) {
            for (Type t : values()) {
                if (t.label.equalsIgnoreCase(label) || t.name().equalsIgnoreCase(label)) return t;
            }
            if ("integer".equalsIgnoreCase(label)) return INTEGER;
            if ("bool".equalsIgnoreCase(label)) return BOOLEAN;
            List<String> known = new ArrayList<>();
            for (Type t : values()) known.add(t.label);
            throw new IllegalArgumentException("unknown parameter type '" + label + "'; known: " + String.join(", ", known));
        }
    }

    /** The generic limit of a plain string (and of a secret string), in characters. */
    public static final int STRING_MAX = 256;
    /** The most values a list parameter ({@link #many()}) takes: a WAF IP set holds 10,000 addresses. */
    public static final int MANY_MAX = 10_000;
    /** The longest duration a duration parameter takes: a year is more than any log retention or wait. */
    public static final Duration DURATION_MAX = Duration.ofDays(365);
    private static final Pattern SNOWFLAKE = Pattern.compile("[0-9]{1,20}");
    private static final int SHOWN_VALUE_LIMIT = 60;

    private final String name;
    private final Type type;
    private final String description;
    private final String defaultValue;
    private final boolean optional;
    private final boolean secret;
    private final boolean many;
    private final List<String> choices;
    private final Long min;
    private final Long max;

    private Parameter(String name, Type type, String description, String defaultValue, boolean optional, boolean secret,
                      boolean many, List<String> choices, Long min, Long max) {
        if (name == null || !name.matches("[A-Za-z][A-Za-z0-9_-]*")) {
            throw new IllegalArgumentException("a parameter name is letters, digits, '-' and '_', starting with a letter: '" + name + "'");
        }
        this.name = name;
        this.type = Objects.requireNonNull(type, "type");
        this.description = description;
        this.defaultValue = defaultValue;
        this.optional = optional;
        this.secret = secret;
        this.many = many;
        this.choices = List.copyOf(choices);
        this.min = min;
        this.max = max;
    }

    private static Parameter of(String name, Type type) {
        return new Parameter(name, type, null, null, false, false, false, List.of(), null, null);
    }

    // --- factories: one per type; the preamble imports them statically ---

    public static Parameter string(String name) { return of(name, Type.STRING); }
    public static Parameter integer(String name) { return of(name, Type.INTEGER); }
    public static Parameter duration(String name) { return of(name, Type.DURATION); }
    public static Parameter userId(String name) { return of(name, Type.USER_ID); }
    public static Parameter channelId(String name) { return of(name, Type.CHANNEL_ID); }
    public static Parameter cidr(String name) { return of(name, Type.CIDR); }
    public static Parameter snapshotId(String name) { return of(name, Type.SNAPSHOT_ID); }
    public static Parameter bool(String name) { return of(name, Type.BOOLEAN); }
    public static Parameter dbInstanceId(String name) { return of(name, Type.DB_INSTANCE_ID); }
    public static Parameter instanceClass(String name) { return of(name, Type.INSTANCE_CLASS); }
    public static Parameter roomName(String name) { return of(name, Type.ROOM); }
    public static Parameter versionId(String name) { return of(name, Type.VERSION_ID); }
    public static Parameter fileId(String name) { return of(name, Type.FILE_ID); }
    /** A string that is a {@link Secret} in steps and {@code ****} everywhere it is shown or written. */
    public static Parameter secretString(String name) { return of(name, Type.STRING).secret(); }

    public static Parameter choice(String name, String... choices) {
        if (choices.length == 0) throw new IllegalArgumentException("choice parameter '" + name + "' needs at least one choice");
        return new Parameter(name, Type.CHOICE, null, null, false, false, false, List.of(choices), null, null);
    }

    /** A parameter of the type named by {@code label} ({@code userId}, {@code int}, ...): for the Groovy form. */
    public static Parameter ofType(String name, String label) {
        return of(name, Type.fromLabel(label));
    }

    /**
     * The Groovy form's named arguments: {@code type}, {@code description}, {@code defaultValue},
     * {@code required}, {@code choices}, {@code min}, {@code max}, {@code secret}, {@code many}.
     */
    public static Parameter fromOptions(String name, Map<String, ?> options) {
        Map<String, ?> o = options == null ? Map.of() : options;
        for (String key : o.keySet()) {
            if (!List.of("type", "description", "defaultValue", "required", "choices", "min", "max", "secret", "many").contains(key)) {
                throw new IllegalArgumentException("parameter '" + name + "': unknown option '" + key
                        + "'; known: type, description, defaultValue, required, choices, min, max, secret, many");
            }
        }
        Parameter p;
        if (o.get("choices") != null) {
            List<String> cs = new ArrayList<>();
            for (Object c : (Iterable<?>) o.get("choices")) cs.add(String.valueOf(c));
            p = choice(name, cs.toArray(String[]::new));
        } else {
            p = ofType(name, o.get("type") == null ? "string" : String.valueOf(o.get("type")));
        }
        if (o.get("description") != null) p = p.description(String.valueOf(o.get("description")));
        if (o.get("defaultValue") != null) p = p.defaultValue(o.get("defaultValue"));
        if (o.get("required") != null) p = truthy(o.get("required")) ? p.required() : p.optional();
        if (o.get("min") != null) p = p.min(((Number) o.get("min")).longValue());
        if (o.get("max") != null) p = p.max(((Number) o.get("max")).longValue());
        if (truthy(o.get("secret"))) p = p.secret();
        if (truthy(o.get("many"))) p = p.many();
        return p;
    }

    private static boolean truthy(Object o) {
        return o instanceof Boolean b ? b : o != null && Boolean.parseBoolean(String.valueOf(o));
    }

    // --- refinements: each returns a changed copy ---

    public Parameter description(String description) {
        return new Parameter(name, type, description, defaultValue, optional, secret, many, choices, min, max);
    }

    /** The value used when the operator gives none; checked like any typed value when the runbook is declared. */
    public Parameter defaultValue(Object value) {
        String text = value == null ? null : value instanceof java.time.Duration d ? Durations.format(d) : String.valueOf(value);
        Parameter p = new Parameter(name, type, description, text, optional, secret, many, choices, min, max);
        if (text != null) {
            try {
                p.parse(text);
            } catch (OpsException e) {
                throw new IllegalArgumentException("the default of " + e.getMessage());
            }
        }
        return p;
    }

    /** Must be given (the default when there is no default value). */
    public Parameter required() {
        return new Parameter(name, type, description, defaultValue, false, secret, many, choices, min, max);
    }

    /** May be left out; the step then reads {@code null}. */
    public Parameter optional() {
        return new Parameter(name, type, description, defaultValue, true, secret, many, choices, min, max);
    }

    public Parameter secret() {
        return new Parameter(name, type, description, defaultValue, optional, true, many, choices, min, max);
    }

    /** A comma-separated list of values ({@code 203.0.113.7,198.51.100.0/24}); the step reads a {@code List}. */
    public Parameter many() {
        return new Parameter(name, type, description, defaultValue, optional, secret, true, choices, min, max);
    }

    public Parameter min(long min) {
        return new Parameter(name, type, description, defaultValue, optional, secret, many, choices, min, max);
    }

    public Parameter max(long max) {
        return new Parameter(name, type, description, defaultValue, optional, secret, many, choices, min, max);
    }

    public String name() { return name; }
    public Type type() { return type; }
    public String description() { return description; }
    public String defaultValue() { return defaultValue; }
    public boolean isSecret() { return secret; }
    public boolean isMany() { return many; }
    public List<String> choices() { return choices; }
    public Long minimum() { return min; }
    public Long maximum() { return max; }

    /** Required when there is no default and it was not made optional. */
    public boolean isRequired() {
        return !optional && defaultValue == null;
    }

    /** What a value must look like, as the error line and the docs say it. */
    public String expected() {
        String one = switch (type) {
            case STRING -> "a non-empty string of at most " + STRING_MAX + " characters";
            case INTEGER -> "an integer" + range();
            case DURATION -> "a duration such as 30s, 10m, 1h30m, of at most 365d";
            case USER_ID -> "a UUID like 3f6c1a2e-7b4d-4c1e-9a2b-5d8e0f1a2b3c";
            case CHANNEL_ID -> "a channel id of 1 to 20 digits like 1029384756473829";
            case CIDR -> "an IPv4 or IPv6 address or CIDR like 203.0.113.7/32 or 2001:db8::/64";
            case CHOICE -> "one of " + String.join(", ", choices);
            case SNAPSHOT_ID -> "an RDS snapshot id (a letter, then letters, digits, single hyphens; like manual-20240101-120000)";
            case BOOLEAN -> "true or false";
            case DB_INSTANCE_ID -> "a DB instance identifier (a letter, then letters, digits, single hyphens, at most 63; "
                    + "like discordination-restore)";
            case INSTANCE_CLASS -> "a DB instance class like db.r6g.large";
            case ROOM -> "a LiveKit room name like voice:1180000000000000101 (letters, digits, : _ . @ -; at most "
                    + LiveKit.ROOM_NAME_MAX + ")";
            case VERSION_ID -> "an S3 version id (letters, digits, . _ - + / =; at most " + Bucket.VERSION_ID_MAX + ")";
            case FILE_ID -> "a file id of 1 to 20 digits like 1183245072950931456";
        };
        return many ? one + " (or several, separated by commas)" : one;
    }

    private String range() {
        if (min != null && max != null) return " from " + min + " to " + max;
        if (min != null) return " of at least " + min;
        if (max != null) return " of at most " + max;
        return "";
    }

    /**
     * The typed value of {@code raw}, or an {@link OpsException.InvalidInputException} (exit 2) of one line:
     * {@code parameter 'user': expected a UUID like ...; got 'x'}.
     */
    public Object parse(String raw) {
        if (raw == null) throw invalid(null);
        // the cheap checks first, so a 100 KB value costs no pattern matching
        for (int i = 0; i < raw.length(); i++) {
            if (Character.isISOControl(raw.charAt(i))) throw controlCharacter(raw, i);
        }
        long limit = many ? (long) MANY_MAX * (type.maxLength() + 2) : type.maxLength() + 2L;
        if (raw.length() > limit) throw tooLong(raw);
        if (!many) return parseOne(raw.trim(), raw);
        String[] parts = raw.split(",", -1);
        if (parts.length > MANY_MAX) {
            throw OpsException.builder("parameter '" + name + "': at most " + MANY_MAX + " values; got " + parts.length).invalidInput();
        }
        List<Object> values = new ArrayList<>();
        for (String part : parts) values.add(parseOne(part.trim(), raw));
        return List.copyOf(values);
    }

    private Object parseOne(String v, String raw) {
        if (v.length() > type.maxLength()) throw tooLong(raw);
        switch (type) {
            case STRING -> {
                if (v.isEmpty()) throw invalid(raw);
                return secret ? Secret.of(v) : v;
            }
            case INTEGER -> {
                long n;
                try {
                    n = Long.parseLong(v);
                } catch (NumberFormatException e) {
                    throw invalid(raw);
                }
                if (n < Integer.MIN_VALUE || n > Integer.MAX_VALUE || (min != null && n < min) || (max != null && n > max)) {
                    throw invalid(raw);
                }
                return (int) n;
            }
            case DURATION -> {
                Duration d;
                try {
                    d = Durations.parse(v);
                } catch (OpsException e) {
                    throw invalid(raw);
                }
                if (d.isNegative() || d.compareTo(DURATION_MAX) > 0) throw invalid(raw);
                return d;
            }
            case USER_ID -> {
                return viaLibrary(raw, () -> UserId.parse(v).toString());
            }
            case CHANNEL_ID -> {
                if (!SNOWFLAKE.matcher(v).matches() || new java.math.BigInteger(v).bitLength() > 64) throw invalid(raw);
                return v;
            }
            case CIDR -> {
                try {
                    return Cidr.parse(v).toString();
                } catch (OpsException.InvalidInputException e) {
                    // the verb's own reason (host bits, prefix, family) says more than the expected form
                    throw OpsException.builder("parameter '" + name + "': expected " + expected() + "; " + e.what() + "; got " + shown(raw))
                            .invalidInput();
                }
            }
            case CHOICE -> {
                if (!choices.contains(v)) throw invalid(raw);
                return v;
            }
            case SNAPSHOT_ID -> {
                return viaLibrary(raw, () -> RdsIdentifiers.requireExistingSnapshotId(v));
            }
            case DB_INSTANCE_ID -> {
                return viaLibrary(raw, () -> RdsIdentifiers.requireInstanceId(v));
            }
            case INSTANCE_CLASS -> {
                return viaLibrary(raw, () -> RdsIdentifiers.requireInstanceClass(v));
            }
            case ROOM -> {
                return viaLibrary(raw, () -> LiveKit.requireRoomName(v));
            }
            case VERSION_ID -> {
                return viaLibrary(raw, () -> Bucket.requireVersionId(v));
            }
            case FILE_ID -> {
                if (!SNOWFLAKE.matcher(v).matches() || new java.math.BigInteger(v).bitLength() > 64) throw invalid(raw);
                return v;
            }
            case BOOLEAN -> {
                String b = v.toLowerCase(Locale.ROOT);
                if (List.of("true", "yes", "y", "1").contains(b)) return Boolean.TRUE;
                if (List.of("false", "no", "n", "0").contains(b)) return Boolean.FALSE;
                throw invalid(raw);
            }
            default -> throw new IllegalStateException(type.name());
        }
    }

    /** The value as the library's own parser returns it; its refusal becomes this parameter's one-line error. */
    private String viaLibrary(String raw, java.util.function.Supplier<String> parser) {
        try {
            return parser.get();
        } catch (OpsException.InvalidInputException e) {
            throw invalid(raw);
        }
    }

    /** The error for a missing required value. */
    OpsException missing() {
        return OpsException.builder("parameter '" + name + "' is required: expected " + expected()
                + "; give it as --param " + name + "=VALUE").invalidInput();
    }

    private OpsException tooLong(String raw) {
        if (raw.length() <= SHOWN_VALUE_LIMIT) return invalid(raw);
        return OpsException.builder("parameter '" + name + "': expected " + expected() + "; got " + String.format("%,d", raw.length())
                + " characters, more than " + (many ? "a list of " + type.maxLength() + "-character values" : type.maxLength())
                + " allows").invalidInput();
    }

    private OpsException controlCharacter(String raw, int at) {
        return OpsException.builder("parameter '" + name + "': expected " + expected() + "; got a control character ("
                + String.format("\\u%04x", (int) raw.charAt(at)) + ", such as a newline) at position " + (at + 1) + " of " + shown(raw))
                .invalidInput();
    }

    private OpsException invalid(String raw) {
        return OpsException.builder("parameter '" + name + "': expected " + expected() + "; got " + shown(raw)).invalidInput();
    }

    private String shown(String raw) {
        if (raw == null) return "nothing";
        if (secret) return "a value not shown here (the parameter is secret)";
        StringBuilder sb = new StringBuilder();
        raw.codePoints().limit(SHOWN_VALUE_LIMIT).forEach(cp -> {
            if (Character.isISOControl(cp)) sb.append(String.format("\\u%04x", cp));
            else sb.appendCodePoint(cp);
        });
        if (raw.codePointCount(0, raw.length()) > SHOWN_VALUE_LIMIT) sb.append("...");
        return "'" + sb + "'";
    }

    @Override
    public String toString() {
        return name + " (" + type.label() + (many ? ", many" : "") + (isRequired() ? ", required" : "")
                + (defaultValue != null ? ", default " + (secret ? Secret.MASK : defaultValue) : "") + ")";
    }
}
