package dev.holdfast.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/settings.md documents exactly the settings the code declares, with the same defaults. */
class SettingsDocumentedTest {
    private static final Pattern ROW = Pattern.compile("^\\| `([^`]+)` \\| ([^|]+) \\|");

    @Test
    void everyDeclaredSettingIsDocumentedAndNothingElse() throws IOException {
        List<String> lines = Files.readAllLines(Paths.get("docs/settings.md"), StandardCharsets.UTF_8);
        TreeSet<String> documented = new TreeSet<>();
        List<String> wrongDefaults = new ArrayList<>();
        for (String line : lines) {
            Matcher row = ROW.matcher(line);
            if (!row.find()) {
                continue;
            }
            String key = row.group(1);
            documented.add(key);
            for (Setting<?> setting : Settings.ALL) {
                String expected = setting.documentedDefault() == null ? "—" : setting.documentedDefault();
                String cell = row.group(2).trim().replace("`", "").replace(" (secret)", "");
                if (setting.key().equals(key) && !cell.equals(expected)) {
                    wrongDefaults.add(key + ": docs say [" + cell + "], code says [" + expected + "]");
                }
            }
        }
        TreeSet<String> declared = new TreeSet<>();
        for (Setting<?> setting : Settings.ALL) {
            declared.add(setting.key());
        }
        assertEquals(declared, documented);
        assertEquals(List.of(), wrongDefaults);
    }
}
