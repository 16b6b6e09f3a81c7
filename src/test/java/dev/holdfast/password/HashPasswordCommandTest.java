package dev.holdfast.password;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command without a terminal: one line of standard input in, the hash alone out. */
class HashPasswordCommandTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String stdin, String... args) {
        return HashPasswordCommand.run(args, null, new StringReader(stdin),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void printsOnlyTheBcryptHashOfTheLineOnStandardInput() {
        assertEquals(HashPasswordCommand.OK, run("pässwörd €\n"));

        String printed = out();
        assertTrue(printed.matches("\\$2b\\$12\\$[./A-Za-z0-9]{53}" + System.lineSeparator()), printed);
        assertTrue(new PasswordVerifier().matches("pässwörd €".toCharArray(), printed.strip()));
        assertEquals("", err());
    }

    @Test
    void dropsAWindowsLineEndAndReadsALastLineWithoutOne() {
        assertEquals(HashPasswordCommand.OK, run("secret\r\nignored\n"));
        assertTrue(new PasswordVerifier().matches("secret".toCharArray(), out().strip()));

        out.reset();
        assertEquals(HashPasswordCommand.OK, run("no newline"));
        assertTrue(new PasswordVerifier().matches("no newline".toCharArray(), out().strip()));
    }

    @Test
    void refusesAnyArgumentSoThePasswordNeverLandsInShellHistory() {
        assertEquals(HashPasswordCommand.USAGE, run("secret\n", "secret"));

        assertEquals("", out());
        assertTrue(err().startsWith("holdfast: HashPasswordCommand takes no arguments"), err());
    }

    @Test
    void printsUsageForHelp() {
        assertEquals(HashPasswordCommand.OK, run("", "--help"));
        assertTrue(out().startsWith("usage: java -cp 'holdfast-lib/*' dev.holdfast.password.HashPasswordCommand"), out());
    }

    @Test
    void refusesNoInputAndAnEmptyPassword() {
        assertEquals(HashPasswordCommand.USAGE, run(""));
        assertEquals("holdfast: no password on standard input" + System.lineSeparator(), err());

        err.reset();
        assertEquals(HashPasswordCommand.USAGE, run("\n"));
        assertEquals("holdfast: the password is empty" + System.lineSeparator(), err());
        assertEquals("", out());
    }

    @Test
    void refusesAPasswordBcryptWouldTruncate() {
        assertEquals(HashPasswordCommand.USAGE, run("x".repeat(73) + "\n"));

        assertEquals("", out());
        assertEquals("holdfast: bcrypt reads only the first 72 bytes of a password; this one has 73 in UTF-8"
                + System.lineSeparator(), err());
    }

    @Test
    void refusesAnEndlessLine() {
        assertEquals(HashPasswordCommand.USAGE, run("x".repeat(5000)));
        assertEquals("holdfast: the line on standard input is over 4096 characters" + System.lineSeparator(), err());
    }
}
