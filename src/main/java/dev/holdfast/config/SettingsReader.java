package dev.holdfast.config;

import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.HashSet;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves every setting from its sources, first found wins: system property, environment variable,
 * init-param (per-instance settings only), context-param, default. Reads everything in one pass and
 * reports every problem at once in a {@link ConfigException}.
 */
public final class SettingsReader {
    private static final Logger log = LoggerFactory.getLogger(SettingsReader.class);
    private static final String FILE_PREFIX = "file:";
    /** The most a {@code file:} value may hold. */
    static final int MAX_FILE_BYTES = 64 * 1024;

    /** What the settings are for; decides which cross-setting rules apply. */
    public enum Purpose {
        /** {@code HoldfastListener}: issues tokens, so it needs a signing key and a database. */
        LISTENER,
        /** {@code JwtAuthFilter} on its own: verifies tokens only. */
        FILTER
    }

    private final Map<String, String> systemProperties;
    private final Map<String, String> environment;
    private final Map<String, String> initParams;
    private final Map<String, String> contextParams;
    private final String instanceName;
    private final List<String> warnings = new ArrayList<>();

    /**
     * @param initParams   the declaration's init-params, empty for the listener
     * @param instanceName the filter or servlet name, used in messages about its init-params
     */
    public SettingsReader(Map<String, String> systemProperties, Map<String, String> environment,
                          Map<String, String> initParams, Map<String, String> contextParams, String instanceName) {
        this.systemProperties = Map.copyOf(systemProperties);
        this.environment = Map.copyOf(environment);
        this.initParams = Map.copyOf(initParams);
        this.contextParams = Map.copyOf(contextParams);
        this.instanceName = instanceName;
    }

    /** Shared settings for the listener, from this JVM, its environment and the context-params. */
    public static Settings forContext(ServletContext context) throws ConfigException {
        return new SettingsReader(systemProperties(), System.getenv(), Map.of(),
                params(context.getInitParameterNames(), context::getInitParameter), "context")
                .readAndLog(Purpose.LISTENER);
    }

    /** Shared and per-instance settings for one filter declaration. */
    public static Settings forFilter(FilterConfig config) throws ConfigException {
        ServletContext context = config.getServletContext();
        return new SettingsReader(systemProperties(), System.getenv(),
                params(config.getInitParameterNames(), config::getInitParameter),
                params(context.getInitParameterNames(), context::getInitParameter), config.getFilterName())
                .readAndLog(Purpose.FILTER);
    }

    /** Checks a servlet declaration's init-params: only per-instance shared settings are allowed there. */
    public static Settings forServlet(ServletConfig config) throws ConfigException {
        ServletContext context = config.getServletContext();
        return new SettingsReader(systemProperties(), System.getenv(),
                params(config.getInitParameterNames(), config::getInitParameter),
                params(context.getInitParameterNames(), context::getInitParameter), config.getServletName())
                .readAndLog(null);
    }

    /**
     * A servlet that uses the listener's settings takes no init-params of its own: each one it is given would be
     * ignored, so each is refused (logged, and the servlet does not start). Only names are checked; nothing is read.
     */
    public static void requireNoInitParams(ServletConfig config) throws ConfigException {
        List<String> problems = new ArrayList<>();
        for (String name : new TreeSet<>(Collections.list(config.getInitParameterNames()))) {
            problems.add("holdfast: [" + name + "] is not an init-param of [" + config.getServletName()
                    + "]; Holdfast's servlets take their settings from context-params (docs/settings.md)");
        }
        if (!problems.isEmpty()) {
            problems.forEach(log::error);
            throw new ConfigException(problems);
        }
    }

    private Settings readAndLog(Purpose purpose) throws ConfigException {
        try {
            Settings settings = read(purpose);
            warnings.forEach(log::warn);
            return settings;
        } catch (ConfigException e) {
            warnings.forEach(log::warn);
            e.problems().forEach(log::error);
            throw e;
        }
    }

    /**
     * Resolves every setting.
     *
     * @param purpose which cross-setting rules to apply, or null for none (a servlet's own init-params)
     */
    public Settings read(Purpose purpose) throws ConfigException {
        List<String> problems = new ArrayList<>();
        Map<Setting<?>, Object> values = new LinkedHashMap<>();
        Set<Setting<?>> given = new HashSet<>();
        for (Setting<?> setting : Settings.ALL) {
            if (rawValue(setting) != null) {
                given.add(setting);
            }
            resolve(setting, values, problems);
        }
        checkInitParamNames(problems);
        reportUnknown(systemProperties, false);
        reportUnknown(contextParams, false);
        reportUnknown(environment, true);
        if (purpose != null) {
            new SettingRules(values, given, problems).check(purpose);
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new Settings(values);
    }

    /**
     * The file's text, or {@code null} when it is longer than {@link #MAX_FILE_BYTES}: a value (a key set, a secret)
     * is never that long, and a device such as {@code /dev/zero} named by mistake must not hang the deploy.
     */
    private static String readBounded(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(MAX_FILE_BYTES + 1);
            return bytes.length > MAX_FILE_BYTES ? null : new String(bytes, StandardCharsets.UTF_8).trim();
        }
    }

    /** Warnings found by the last {@link #read}, such as unknown settings. */
    public List<String> warnings() {
        return Collections.unmodifiableList(warnings);
    }

    private <T> void resolve(Setting<T> setting, Map<Setting<?>, Object> values, List<String> problems) {
        String raw = rawValue(setting);
        if (raw == null) {
            raw = setting.defaultValue();
        } else if (raw.startsWith(FILE_PREFIX)) {
            String file = raw.substring(FILE_PREFIX.length());
            try {
                raw = readBounded(Paths.get(file));
                if (raw == null) {
                    problems.add("holdfast: [" + setting.key() + "] = [" + FILE_PREFIX + file + "] is larger than "
                            + MAX_FILE_BYTES / 1024 + " KiB; give a file holding the value only");
                    return;
                }
            } catch (IOException | RuntimeException e) {
                problems.add("holdfast: [" + setting.key() + "] = [" + FILE_PREFIX + file + "] cannot be read ("
                        + e.getClass().getSimpleName() + "); give a readable file");
                return;
            }
        }
        if (raw == null) {
            return;
        }
        String value = raw.trim();
        if (value.isEmpty()) {
            problems.add("holdfast: [" + setting.key() + "] is empty; remove it or give a value");
            return;
        }
        try {
            values.put(setting, setting.parser().parse(value));
        } catch (InvalidValueException e) {
            problems.add("holdfast: [" + setting.key() + "] = [" + (setting.isSecret() ? Settings.MASK : UrlCredentials.mask(value))
                    + "] " + e.getMessage());
        }
    }

    private String rawValue(Setting<?> setting) {
        if (setting.scope() == Setting.Scope.INSTANCE) {
            return initParams.get(setting.key());
        }
        String value = systemProperties.get(setting.key());
        if (value == null) {
            value = environment.get(setting.environmentName());
        }
        if (value == null && setting.scope() == Setting.Scope.SHARED_OR_INSTANCE) {
            value = initParams.get(setting.key());
        }
        if (value == null) {
            value = contextParams.get(setting.key());
        }
        return value;
    }

    /** An init-param Holdfast does not know is a typo shipped: refuse it, with the nearest known name. */
    private void checkInitParamNames(List<String> problems) {
        List<String> allowed = new ArrayList<>();
        for (Setting<?> setting : Settings.ALL) {
            if (setting.scope() != Setting.Scope.SHARED) {
                allowed.add(setting.key());
            }
        }
        for (String name : new TreeSet<>(initParams.keySet())) {
            if (allowed.contains(name)) {
                continue;
            }
            Setting<?> shared = byKey(name);
            if (shared != null) {
                problems.add("holdfast: [" + name + "] cannot be an init-param of [" + instanceName
                        + "]; set it as a context-param, -D" + name + " or " + shared.environmentName());
            } else {
                problems.add("holdfast: unknown init-param [" + name + "] of [" + instanceName + "]; "
                        + Suggestions.didYouMean(name, allowed));
            }
        }
    }

    private void reportUnknown(Map<String, String> source, boolean environmentNames) {
        List<String> known = new ArrayList<>();
        for (Setting<?> setting : Settings.ALL) {
            if (setting.scope() != Setting.Scope.INSTANCE) {
                known.add(environmentNames ? setting.environmentName() : setting.key());
            }
        }
        String prefix = environmentNames ? "HOLDFAST_" : Setting.PREFIX;
        for (String name : new TreeSet<>(source.keySet())) {
            if (name.startsWith(prefix) && !known.contains(name)) {
                warnings.add("holdfast: unknown setting [" + name + "]; " + Suggestions.didYouMean(name, known));
            }
        }
    }

    private static Setting<?> byKey(String key) {
        for (Setting<?> setting : Settings.ALL) {
            if (setting.key().equals(key)) {
                return setting;
            }
        }
        return null;
    }

    private static Map<String, String> systemProperties() {
        Map<String, String> holdfast = new LinkedHashMap<>();
        Properties properties = System.getProperties();
        for (String name : properties.stringPropertyNames()) {
            if (name.toLowerCase(Locale.ROOT).startsWith(Setting.PREFIX)) {
                holdfast.put(name, properties.getProperty(name));
            }
        }
        return holdfast;
    }

    private static Map<String, String> params(Enumeration<String> names, Function<String, String> lookup) {
        Map<String, String> params = new LinkedHashMap<>();
        for (String name : Collections.list(names)) {
            params.put(name, lookup.apply(name));
        }
        return params;
    }
}
