package dev.holdfast.config;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** Rules that involve more than one setting, checked after every value is parsed. */
final class SettingRules {
    private final Map<Setting<?>, Object> values;
    private final Set<Setting<?>> given;
    private final List<String> problems;

    /** @param given settings an admin supplied, valid or not: a bad value is reported once, not also as missing */
    SettingRules(Map<Setting<?>, Object> values, Set<Setting<?>> given, List<String> problems) {
        this.values = values;
        this.given = given;
        this.problems = problems;
    }

    void check(SettingsReader.Purpose purpose) {
        checkCookiePrefix();
        boolean secret = isSet(Settings.JWT_SECRET);
        boolean keys = isSet(Settings.JWT_KEYS);
        boolean jwksUrl = isSet(Settings.JWT_JWKS_URL);
        if (secret && keys) {
            problems.add("holdfast: [holdfast.jwt.secret] and [holdfast.jwt.keys] are both set; set only one");
        }
        if (purpose == SettingsReader.Purpose.LISTENER) {
            if (!secret && !keys) {
                problems.add("holdfast: [holdfast.jwt.secret] is required (at least 32 bytes) unless [holdfast.jwt.keys] is set;"
                        + " set it in web.xml, -Dholdfast.jwt.secret or HOLDFAST_JWT_SECRET");
            }
            if (jwksUrl) {
                problems.add("holdfast: [holdfast.jwt.jwksUrl] is for verify-only nodes (JwtAuthFilter without HoldfastListener);"
                        + " a node that issues tokens signs with [holdfast.jwt.secret] or [holdfast.jwt.keys]");
            }
            checkDatabase();
        } else if (!secret && !keys && !jwksUrl) {
            problems.add("holdfast: [holdfast.jwt.secret] is required (at least 32 bytes) unless [holdfast.jwt.keys]"
                    + " or [holdfast.jwt.jwksUrl] is set; set it in web.xml, -Dholdfast.jwt.secret or HOLDFAST_JWT_SECRET");
        } else if (jwksUrl && (secret || keys)) {
            problems.add("holdfast: [holdfast.jwt.jwksUrl] and a local key are both set; set only one");
        }
    }

    /** What browsers require of a {@code __Host-} or {@code __Secure-} cookie, said at deploy rather than ignored by them. */
    private void checkCookiePrefix() {
        Object name = values.get(Settings.COOKIE_NAME);
        if (!(name instanceof String)) {
            return;
        }
        boolean host = ((String) name).startsWith("__Host-");
        if ((host || ((String) name).startsWith("__Secure-")) && values.get(Settings.COOKIE_SECURE) == Settings.CookieSecure.FALSE) {
            problems.add("holdfast: [holdfast.cookie.name] = [" + name + "] needs the Secure attribute;"
                    + " it cannot be used with [holdfast.cookie.secure] = [false]");
        }
        Object path = values.get(Settings.COOKIE_PATH);
        if (host && path != null && !"/".equals(path)) {
            problems.add("holdfast: [holdfast.cookie.name] = [" + name + "] needs Path=/;"
                    + " it cannot be used with [holdfast.cookie.path] = [" + path + "]");
        }
    }

    private void checkDatabase() {
        boolean url = isSet(Settings.DB_URL);
        boolean jndi = isSet(Settings.DB_JNDI);
        if (url && jndi) {
            problems.add("holdfast: [holdfast.db.url] and [holdfast.db.jndi] are both set; set only one");
        } else if (!url && !jndi) {
            problems.add("holdfast: [holdfast.db.url] is required unless [holdfast.db.jndi] is set;"
                    + " e.g. jdbc:postgresql://host:5432/database");
        }
        boolean emergency = Boolean.TRUE.equals(values.get(Settings.EMERGENCY_ENABLED));
        if (emergency && jndi && !isSet(Settings.EMERGENCY_DB_URL)) {
            // The break-glass path must share nothing with the main one, and a container pool is shared.
            problems.add("holdfast: [holdfast.emergency.enabled] = [true] needs its own [holdfast.emergency.db.url]"
                    + " when [holdfast.db.jndi] is used");
        }
    }

    private boolean isSet(Setting<?> setting) {
        return values.containsKey(setting) || given.contains(setting);
    }
}
