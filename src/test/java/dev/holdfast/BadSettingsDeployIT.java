package dev.holdfast;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.holdfast.testing.EmbeddedJetty;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built WAR with bad settings does not start, and its log names every problem at once,
 * secrets masked. The WAR's own logback is pointed at a file for this deploy, so the test reads exactly what
 * an admin would.
 */
class BadSettingsDeployIT {
    @Test
    void deployFailsNamingEveryBadSetting(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("deploy.log");
        Path config = Files.writeString(dir.resolve("logback.xml"), "<configuration>"
                + "<appender name='file' class='ch.qos.logback.core.FileAppender'><file>" + log + "</file>"
                + "<encoder><pattern>%level %msg%n</pattern></encoder></appender>"
                + "<root level='INFO'><appender-ref ref='file'/></root></configuration>");
        String previous = System.getProperty("logback.configurationFile");
        System.setProperty("logback.configurationFile", config.toString());
        try {
            IllegalStateException failure = assertThrows(IllegalStateException.class, () -> EmbeddedJetty.builder()
                    .contextParameter("holdfast.jwt.secret", "short-secret-xyz")
                    .contextParameter("holdfast.db.url", "jdbc:postgresql://127.0.0.1:1/none")
                    .contextParameter("holdfast.db.maxWait", "soon")
                    .contextParameter("holdfast.emergency.enabled", "ture")
                    .contextParameter("holdfast.jwt.isuer", "typo")
                    .start());
            assertTrue(rootCauseMessage(failure).startsWith("holdfast: the settings are invalid (3 problem(s) logged above)"),
                    rootCauseMessage(failure));
        } finally {
            if (previous == null) {
                System.clearProperty("logback.configurationFile");
            } else {
                System.setProperty("logback.configurationFile", previous);
            }
        }
        String written = Files.readString(log, StandardCharsets.UTF_8);
        for (String line : List.of(
                "ERROR holdfast: [holdfast.jwt.secret] = [*****] is too short (16 bytes); use at least 32 random bytes,",
                "ERROR holdfast: [holdfast.db.maxWait] = [soon] is not a duration; use PT1S or a number of seconds",
                "ERROR holdfast: [holdfast.emergency.enabled] = [ture] is not true or false",
                "WARN holdfast: unknown setting [holdfast.jwt.isuer]; did you mean [holdfast.jwt.issuer]?")) {
            assertTrue(written.contains(line), "missing [" + line + "] in:\n" + written);
        }
        assertFalse(written.contains("short-secret-xyz"), "the secret must be masked:\n" + written);
    }

    private static String rootCauseMessage(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return String.valueOf(cause.getMessage());
    }
}
