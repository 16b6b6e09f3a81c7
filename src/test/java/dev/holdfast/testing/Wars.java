package dev.holdfast.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Where the WAR under test is: {@code -Dtest.holdfast.war} (failsafe sets it), else {@code target/holdfast.war}. */
public final class Wars {

    private Wars() {
    }

    public static Path builtWar() {
        Path war = Paths.get(System.getProperty("test.holdfast.war", "target/holdfast.war")).toAbsolutePath();
        if (!Files.isRegularFile(war)) {
            throw new IllegalStateException("no WAR at " + war + "; run `mvn package` (or `mvn verify`) first,"
                    + " or point -Dtest.holdfast.war at one");
        }
        return war;
    }

    /** Text safe inside an XML element or a double-quoted attribute. */
    static String xml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
