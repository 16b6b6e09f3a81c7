package dev.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.holdfast.config.ConfigException;
import dev.holdfast.config.Settings;
import dev.holdfast.config.SettingsReader;
import dev.holdfast.testing.TestSecrets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A spool directory someone else could redirect or write stops the deploy with an error naming the setting. */
class SpoolDirectorySettingTest {
    @TempDir
    Path dir;

    private Settings settings(Map<String, String> spools) throws ConfigException {
        Map<String, String> params = new java.util.HashMap<>(spools);
        params.put("holdfast.jwt.secret", TestSecrets.hmacSetting());
        params.put("holdfast.db.url", "jdbc:postgresql://127.0.0.1:1/none");
        return new SettingsReader(Map.of(), Map.of(), Map.of(), params, "context").read(SettingsReader.Purpose.LISTENER);
    }

    private ApplicationDirectory application() {
        return new ApplicationDirectory(dir.resolve("home/.holdfast"), "shop-00000000", List.of());
    }

    @Test
    void aSymbolicLinkedAuditSpoolIsRefusedNamingTheSetting() throws Exception {
        Path target = Files.createDirectory(dir.resolve("elsewhere"));
        Path link = Files.createSymbolicLink(dir.resolve("audit"), target);
        ConfigException e = assertThrows(ConfigException.class, () -> Holdfast.build(
                settings(Map.of("holdfast.audit.spool", link.toString())), Clock.systemUTC(), application()).close());
        assertEquals(List.of("holdfast: [holdfast.audit.spool] = [" + link + "] is a symbolic link; give a directory"
                + " only the user Holdfast runs as can write (a missing one is created with mode 0700)"), e.problems());
    }

    @Test
    void aWritesSpoolOthersCanWriteIsRefusedNamingTheSetting() throws Exception {
        Path open = Files.createDirectory(dir.resolve("writes"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        ConfigException e = assertThrows(ConfigException.class, () -> Holdfast.build(
                settings(Map.of("holdfast.audit.spool", dir.resolve("audit").toString(),
                        "holdfast.writes.spool", open.toString())), Clock.systemUTC(), application()).close());
        assertEquals(List.of("holdfast: [holdfast.writes.spool] = [" + open + "] can be written by group or others"
                + " (mode rwxrwxrwx); give a directory only the user Holdfast runs as can write (a missing one is"
                + " created with mode 0700)"), e.problems());
    }

    @Test
    void byDefaultEachSpoolLivesInTheApplicationsOwnOwnerOnlyDirectory() throws Exception {
        ApplicationDirectory app = application();
        Holdfast.build(settings(Map.of()), Clock.systemUTC(), app).close();
        for (Path level : List.of(app.root(), app.base(), app.resolve("audit"), app.resolve("writes"))) {
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(level)), level.toString());
        }
        assertEquals(true, Files.exists(app.resolve("audit").resolve("lock")));
    }
}
