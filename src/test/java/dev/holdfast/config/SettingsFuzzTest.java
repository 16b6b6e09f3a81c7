package dev.holdfast.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.holdfast.config.SettingsReader.Purpose;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Fuzzes the settings parser ({@link SettingsReader} and every {@link Parsers} type through it): any set of
 * context parameters ends as {@link Settings} or as a {@link ConfigException} whose every line is Holdfast's own
 * ({@code holdfast: ...}), and a secret's value is never repeated, neither in a problem nor in the effective
 * settings line (checked with a marker character, U+2603, that the input holds only in secrets). The input, as UTF-8, is split at NUL into name and value pairs; a name that is one digit or
 * letter picks a declared setting. {@code file:} values are skipped: they read the admin's files, not input.
 */
class SettingsFuzzTest {
    private static final List<Setting<?>> DECLARED = Settings.ALL;
    /** U+2603, in no message template and no default. */
    private static final char MARK = '\u2603';
    private static final String PICK = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

    @FuzzTest(maxDuration = "10m")
    void settingsAreReadOrRefusedInHoldfastsOwnWords(byte[] input) {
        String[] parts = new String(input, StandardCharsets.UTF_8).split("\u0000", -1);
        Map<String, String> context = new HashMap<>();
        context.put("holdfast.jwt.secret", "0123456789abcdef0123456789abcdef");
        context.put("holdfast.db.url", "jdbc:postgresql://127.0.0.1:5432/test");
        List<String> secrets = new ArrayList<>();
        List<String> others = new ArrayList<>();
        for (int i = 0; i + 1 < parts.length && i < 64; i += 2) {
            String name = parts[i];
            String value = parts[i + 1];
            Setting<?> declared = null;
            if (name.length() == 1 && PICK.indexOf(name.charAt(0)) >= 0) {
                declared = DECLARED.get(PICK.indexOf(name.charAt(0)) % DECLARED.size());
                name = declared.key();
            }
            if (value.startsWith("file:")) {
                continue;
            }
            context.put(name, value);
            (declared != null && declared.isSecret() ? secrets : others).add(value);
            others.add(name);
        }
        Purpose purpose = input.length > 0 && (input[0] & 1) == 1 ? Purpose.FILTER : Purpose.LISTENER;
        String said;
        try {
            Settings settings = new SettingsReader(Map.of(), Map.of(), Map.of(), context, "holdfast-filter").read(purpose);
            said = settings.describe();
        } catch (ConfigException e) {
            assertFalse(e.problems().isEmpty());
            for (String problem : e.problems()) {
                assertTrue(problem.startsWith("holdfast: "), problem);
            }
            said = String.join("\n", e.problems());
        }
        // A secret is checked by a character nothing else in the input holds: then no output may hold it either.
        boolean marked = secrets.stream().anyMatch(secret -> secret.indexOf(MARK) >= 0)
                && others.stream().noneMatch(other -> other.indexOf(MARK) >= 0);
        if (marked) {
            assertFalse(said.indexOf(MARK) >= 0, "a secret's value was repeated: " + said);
        }
    }
}
