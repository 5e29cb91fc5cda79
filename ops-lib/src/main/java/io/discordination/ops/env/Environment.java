package io.discordination.ops.env;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.discordination.ops.Credentials;
import io.discordination.ops.OpsException;
import io.discordination.ops.OpsPaths;
import io.discordination.ops.Redactor;
import io.discordination.ops.Secret;
import io.discordination.ops.text.Suggestions;
import io.discordination.ops.topology.SettingSource;
import io.discordination.ops.topology.Topology;
import io.discordination.ops.topology.TopologyFiles;
import io.discordination.ops.topology.TopologyProblem;

import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One environment file, loaded: its name, whether it is protected, and its {@link Topology} (the
 * real names behind the short ones: {@code api} is ECS service {@code api} in cluster
 * {@code discordination-prod}, endpoints and credentials), read from
 * {@code environments/<name>.yaml} and checked against the schema (docs/environments.md), so an
 * unknown key is an error naming it and the file. Values may say {@code ${VAR}} or
 * {@code ${VAR:-default}}; a variable is read when its value is first needed, so an operator who
 * only redeploys ECS does not need {@code LK_SECRET}, and a missing one is an error naming the
 * variable, the setting and the file. {@link #describe()} and {@link #secrets()} see every setting.
 *
 * <pre>{@code String cluster = Environment.named("prod").topology().ecs().cluster().required();}</pre>
 */
public final class Environment {
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?}");
    private static final Pattern QUOTED = Pattern.compile("'([^'\\n]{0,200})'|\"([^\"\\n]{0,200})\"");
    private static final Pattern SECRET_KEY = Pattern.compile("(?i).*(secret|password|token|credential).*");
    /** Settings the schema marks as credentials ({@code @Credential}): secret values, and URLs that carry credentials. */
    private static final Map<String, Boolean> CREDENTIALS = TopologyFiles.credentials();
    /** Paths whose values carry credentials inside a URL. */
    private static final Set<String> SECRET_URLS = Set.copyOf(CREDENTIALS.entrySet().stream()
            .filter(Map.Entry::getValue).map(Map.Entry::getKey).toList());

    private final String name;
    private final Path source;
    private final JsonNode root;
    private final Function<String, String> variables;
    private final Topology topology;

    private Environment(String name, Path source, JsonNode root, Function<String, String> variables) {
        this.name = name;
        this.source = source;
        this.root = root;
        this.variables = variables;
        this.topology = bind(root);
    }

    /** The file's settings as records, each resolved on first use; an unknown key is refused here. */
    private Topology bind(JsonNode root) {
        try {
            return TopologyFiles.read(root, new FileSettings());
        } catch (TopologyProblem problem) {
            String key = problem.setting().substring(problem.setting().lastIndexOf('.') + 1);
            List<String> nearest = Suggestions.nearest(key, problem.known());
            String prefix = problem.setting().contains(".") ? problem.setting().substring(0, problem.setting().lastIndexOf('.') + 1) : "";
            throw OpsException.builder("Environment file " + source + ": " + problem.getMessage())
                    .environment(name)
                    .hint((nearest.isEmpty() ? "" : "did you mean '" + prefix + nearest.get(0) + "'? ")
                            + "docs/environments.md lists every setting").invalidInput();
        }
    }

    /** Variables from the operator's shell; errors name the variable, the setting and this file. */
    private final class FileSettings implements SettingSource {
        @Override
        public String variable(String variable) {
            return variables.apply(variable);
        }

        @Override
        public RuntimeException unsetVariable(String variable, String setting) {
            return OpsException.builder("Environment variable " + variable + " is not set; environment "
                            + name + " needs it for '" + setting + "' (" + source + ")")
                    .hint("export " + variable + "=... and try again").invalidInput();
        }

        @Override
        public RuntimeException missingValue(String setting) {
            return OpsException.builder("Environment " + name + " has no value for '" + setting + "'")
                    .environment(name).resource(source.toString())
                    .hint("add '" + setting + "' to " + source).notFound();
        }
    }

    /**
     * The environment called {@code name}: {@code local} is the sandbox's file under
     * {@code OPS_HOME}; a name with a slash or ending in {@code .yaml} is a path; any other name is
     * {@code environments/<name>.yaml} in the project root.
     */
    public static Environment named(String name) {
        return named(name, OpsPaths.home(), OpsPaths.environments(), System::getenv);
    }

    public static Environment named(String name, Path opsHome, Path environmentsDir, Function<String, String> variables) {
        if (name == null || name.isBlank()) {
            throw new OpsException.InvalidInputException("An environment name is needed (local, staging, prod)");
        }
        if (name.contains("/") || name.endsWith(".yaml") || name.endsWith(".yml")) {
            return load(Path.of(name), variables);
        }
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9_-]*")) {
            throw OpsException.builder("Invalid environment name '" + name + "'")
                    .hint("use letters, digits, '-' and '_', or a path to a .yaml file").invalidInput();
        }
        if (name.equals("local")) {
            Path file = OpsPaths.sandboxEnvironment(opsHome);
            if (!Files.isRegularFile(file)) {
                throw OpsException.builder("The local sandbox is not running (no " + file + ")")
                        .environment("local").hint("start it with: ops sandbox up").notFound();
            }
            return load(file, variables);
        }
        Path file = environmentsDir.resolve(name + ".yaml");
        if (!Files.isRegularFile(file)) {
            throw OpsException.builder("Unknown environment '" + name + "' (no " + file + ")")
                    .hint("known: " + String.join(", ", known(environmentsDir))).invalidInput();
        }
        return load(file, variables);
    }

    public static Environment load(Path file) {
        return load(file, System::getenv);
    }

    public static Environment load(Path file, Function<String, String> variables) {
        JsonNode root;
        try {
            root = TopologyFiles.parse(file);
        } catch (JsonProcessingException e) {
            // no cause attached: the parser's message quotes the lines around the problem, secrets and all
            throw OpsException.builder("Environment file " + file + " is not valid YAML: " + yamlProblem(e))
                    .hint("check the quoting and indentation there").invalidInput();
        } catch (IOException e) {
            throw OpsException.builder("Cannot read environment file " + file + ": " + e.getMessage())
                    .hint("check the file exists and is valid YAML").cause(e).invalidInput();
        }
        if (root == null || !root.isObject()) {
            throw OpsException.builder("Environment file " + file + " is empty or not a YAML mapping").invalidInput();
        }
        String fileName = file.getFileName().toString().replaceFirst("\\.ya?ml$", "");
        String name = root.path("name").asText(fileName);
        return new Environment(name, file.toAbsolutePath(), root, variables);
    }

    /**
     * Where and what the YAML problem is, without the text of the file: SnakeYAML's message shows
     * the line around the mark, and an unclosed quote on {@code apiSecret} would show the secret.
     */
    static String yamlProblem(JsonProcessingException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MarkedYAMLException marked) {
                Mark where = marked.getContextMark() != null ? marked.getContextMark() : marked.getProblemMark();
                StringBuilder sb = new StringBuilder();
                if (where != null) sb.append("line ").append(where.getLine() + 1).append(", column ").append(where.getColumn() + 1).append(": ");
                if (marked.getContext() != null) sb.append(withoutQuotedText(marked.getContext())).append(", ");
                sb.append(withoutQuotedText(String.valueOf(marked.getProblem())));
                Mark problem = marked.getProblemMark();
                if (problem != null && problem != where) {
                    sb.append(" (line ").append(problem.getLine() + 1).append(", column ").append(problem.getColumn() + 1).append(')');
                }
                return sb.toString();
            }
        }
        JsonLocation at = e.getLocation();
        return at == null ? "it cannot be parsed" : "line " + at.getLineNr() + ", column " + at.getColumnNr() + ": it cannot be parsed";
    }

    /**
     * A parser's problem text with any quoted text that is not YAML punctuation ({@code ','},
     * {@code ']'}) shown as {@code '?'}, and an escape's character left out: both come from the file.
     */
    private static String withoutQuotedText(String problem) {
        Matcher m = QUOTED.matcher(problem.replaceAll("character \\S+\\(\\d+\\)", "character"));
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String inside = m.group(1) != null ? m.group(1) : m.group(2);
            boolean syntax = inside.matches("[\\p{Punct}&&[^'\"]]{1,3}|\\\\t\\(TAB\\)");
            m.appendReplacement(sb, Matcher.quoteReplacement(syntax ? m.group() : "'?'"));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /** Environment names found in {@code dir}, plus {@code local}. */
    public static List<String> known(Path dir) {
        List<String> names = new ArrayList<>();
        names.add("local");
        try (var files = Files.list(dir)) {
            files.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".yaml"))
                    .map(f -> f.substring(0, f.length() - 5)).sorted().forEach(names::add);
        } catch (IOException ignored) {
            // no environments folder: only the sandbox is known
        }
        return names;
    }

    public String name() {
        return name;
    }

    public Path source() {
        return source;
    }

    /** The environment's settings, one record per remote thing; see docs/environments.md. */
    public Topology topology() {
        return topology;
    }

    /** A protected environment (prod) needs the operator to type its name before any destructive effect. */
    public boolean isProtected() {
        return topology.isProtected();
    }

    /** True for paths whose values are secrets (passwords, tokens, API secrets, URLs with credentials). */
    public static boolean isSecretPath(String path) {
        // entries under secrets: are Secrets Manager ids, not values
        if (path.startsWith("secrets.")) return false;
        String last = path.substring(path.lastIndexOf('.') + 1);
        // the schema says which settings are credentials; the name rule also covers variables and settings named so
        return CREDENTIALS.containsKey(path) || SECRET_KEY.matcher(last).matches();
    }

    /**
     * Every secret value this environment resolves to, for the redactor: settings named like a
     * secret, variables named like one, and every credential inside any setting (a URL's password,
     * a {@code password=} parameter), whatever characters it holds. Missing variables are skipped.
     */
    public List<Secret> secrets() {
        Set<String> found = new LinkedHashSet<>();
        flatten("", root, (path, raw) -> {
            secretVariableValues(raw).forEach(found::add);
            String value;
            try {
                value = resolve(path, raw, false);
            } catch (OpsException missingVariable) {
                return; // nothing to redact when the value cannot be resolved
            }
            if (value.isBlank()) return;
            // a connection URL's secret is its credentials, found below; its hosts are no secret
            if (isSecretPath(path) && !(SECRET_URLS.contains(path) && value.contains("://"))) {
                found.add(value);
                found.add(value.trim());
            }
            found.addAll(Credentials.inSetting(value).secrets());
        });
        List<Secret> secrets = new ArrayList<>();
        found.forEach(v -> secrets.add(Secret.of(v)));
        return secrets;
    }

    /**
     * Every setting as dotted path to printable value: secrets as {@code ****}, credentials inside
     * other values too (a URL keeps its host and shows {@code ****} for the password, whatever
     * characters the password holds), unset variables as {@code <unset: VAR>}.
     */
    public Map<String, String> describe() {
        Redactor known = new Redactor();
        secrets().forEach(known::register);
        Map<String, String> out = new LinkedHashMap<>();
        flatten("", root, (path, raw) -> {
            String shown;
            try {
                String value = resolve(path, raw, true);
                // a connection URL keeps its hosts; anything else in a secret's place shows only the mask
                if (SECRET_URLS.contains(path) && value.contains("://")) shown = known.redact(Credentials.inSetting(value).masked());
                else if (isSecretPath(path)) shown = value.isEmpty() ? "" : Secret.MASK;
                else shown = known.redact(Credentials.inSetting(value).masked());
            } catch (OpsException missing) {
                shown = "<unset: " + String.join(", ", unsetVariables(raw)) + ">";
            }
            out.put(path, shown);
        });
        return out;
    }

    /** Variables this environment uses that are not set. */
    public List<String> missingVariables() {
        List<String> missing = new ArrayList<>();
        flatten("", root, (path, raw) -> unsetVariables(raw).stream().filter(v -> !missing.contains(v)).forEach(missing::add));
        return missing;
    }

    private List<String> unsetVariables(String raw) {
        List<String> unset = new ArrayList<>();
        Matcher m = VARIABLE.matcher(raw);
        while (m.find()) {
            String value = variables.apply(m.group(1));
            if ((value == null || value.isEmpty()) && m.group(2) == null) unset.add(m.group(1));
        }
        return unset;
    }

    /** The values of the variables named like a secret ({@code ${DB_PASSWORD}}) that {@code raw} uses and that are set. */
    private List<String> secretVariableValues(String raw) {
        List<String> values = new ArrayList<>();
        Matcher m = VARIABLE.matcher(raw);
        while (m.find()) {
            String value = variables.apply(m.group(1));
            if (value != null && !value.isEmpty() && SECRET_KEY.matcher(m.group(1)).matches()) values.add(value);
        }
        return values;
    }

    /** {@code raw} with its variables substituted; with {@code maskSecretVariables}, those named like a secret as {@code ****}. */
    private String resolve(String path, String raw, boolean maskSecretVariables) {
        Matcher m = VARIABLE.matcher(raw);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String variable = m.group(1);
            String value = variables.apply(variable);
            if (value == null || value.isEmpty()) {
                if (m.group(2) == null) {
                    throw OpsException.builder("Environment variable " + variable + " is not set; environment "
                                    + name + " needs it for '" + path + "' (" + source + ")")
                            .hint("export " + variable + "=... and try again").invalidInput();
                }
                value = m.group(3);
            } else if (maskSecretVariables && SECRET_KEY.matcher(variable).matches()) {
                value = Secret.MASK;
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(value));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private JsonNode node(String path) {
        JsonNode node = root;
        for (String part : path.split("\\.")) {
            if (node == null || !node.isObject()) return null;
            node = node.get(part);
        }
        return node;
    }

    private static void splitInto(String value, List<String> out) {
        for (String part : value.split(",")) {
            String trimmed = part.trim();
            if (!trimmed.isEmpty()) out.add(trimmed);
        }
    }

    private interface Visitor {
        void leaf(String path, String raw);
    }

    private static void flatten(String prefix, JsonNode node, Visitor visitor) {
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = ((ObjectNode) node).fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> e = fields.next();
                flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), visitor);
            }
        } else if (node.isArray()) {
            List<String> items = new ArrayList<>();
            node.forEach(n -> items.add(n.asText()));
            visitor.leaf(prefix, String.join(",", items));
        } else if (!node.isNull()) {
            visitor.leaf(prefix, node.asText());
        }
    }

    @Override
    public String toString() {
        return "Environment[" + name + " from " + source + (isProtected() ? ", protected" : "") + "]";
    }
}
