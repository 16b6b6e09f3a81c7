package dev.holdfast.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.holdfast.config.SettingsReader.Purpose;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The password policy and upgrade settings: defaults, and one refusal per rule. */
class PasswordSettingsTest {
    private final Map<String, String> context = new HashMap<>(Map.of(
            "holdfast.jwt.secret", "0123456789abcdef0123456789abcdef", "holdfast.db.url", "jdbc:postgresql://127.0.0.1:5432/test"));

    private Settings read() throws ConfigException {
        return new SettingsReader(Map.of(), Map.of(), Map.of(), context, "holdfast").read(Purpose.LISTENER);
    }

    private List<String> problems() {
        return assertThrows(ConfigException.class, this::read).problems();
    }

    @Test
    void defaultsAreOwaspsAndUpgradesAndLegacyFormatsAreOff() throws ConfigException {
        Settings settings = read();
        assertEquals(12, settings.get(Settings.PASSWORD_BCRYPT_COST));
        assertEquals(600_000, settings.get(Settings.PASSWORD_PBKDF2_ITERATIONS));
        assertEquals(19_456, settings.get(Settings.PASSWORD_ARGON2_MEMORY));
        assertEquals(2, settings.get(Settings.PASSWORD_ARGON2_PASSES));
        assertFalse(settings.get(Settings.PASSWORD_LEGACY_FORMATS));
        assertEquals(Optional.empty(), settings.find(Settings.SQL_UPDATE_HASH));
    }

    @Test
    void refusesAnUpdateStatementWithoutExactlyThreeParameters() {
        context.put("holdfast.sql.updateHash", "UPDATE users SET password_hash = ? WHERE username = ?");
        assertEquals(List.of("holdfast: [holdfast.sql.updateHash] = [UPDATE users SET password_hash = ? WHERE username = ?]"
                + " has 2 ?; it needs exactly 3: the new hash, the username, the old hash"), problems());
    }

    @Test
    void acceptsAnUpdateStatementWithThreeParameters() throws ConfigException {
        String sql = "UPDATE users SET password_hash = ? WHERE username = ? AND password_hash = ?";
        context.put("holdfast.sql.updateHash", sql);
        assertEquals(Optional.of(sql), read().find(Settings.SQL_UPDATE_HASH));
    }

    @Test
    void refusesABcryptCostOutsideWhatIsRead() {
        context.put("holdfast.password.bcryptCost", "15");
        assertEquals(List.of("holdfast: [holdfast.password.bcryptCost] = [15] is not a whole number from 4 to 14"), problems());
        context.put("holdfast.password.bcryptCost", "3");
        assertEquals(List.of("holdfast: [holdfast.password.bcryptCost] = [3] is not a whole number from 4 to 14"), problems());
    }

    @Test
    void parsesLegacyFormatsStrictly() {
        context.put("holdfast.password.legacyFormats", "yes");
        assertEquals(List.of("holdfast: [holdfast.password.legacyFormats] = [yes] is not true or false"), problems());
    }
}
