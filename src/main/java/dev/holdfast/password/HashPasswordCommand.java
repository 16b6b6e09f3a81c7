package dev.holdfast.password;

import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * Hashes one password in the format Holdfast writes for new users (bcrypt {@code $2b$} cost 12), for an
 * admin filling the {@code password_hash} column:
 *
 * <pre>
 * java -cp 'holdfast-lib/*' dev.holdfast.password.HashPasswordCommand
 * Password:
 * Repeat password:
 * $2b$12$...
 * </pre>
 *
 * On a terminal it asks twice without echo. Without one (a pipe, a script) it reads one line from standard
 * input as UTF-8, without its line end: {@code printf '%s\n' "$PW" | java ... HashPasswordCommand}.
 * The password is never an argument, because arguments end up in shell history and in {@code ps}.
 * Standard output carries the hash and nothing else; prompts and messages go to standard error.
 *
 * <p>Exit codes: {@code 0} the hash was printed; {@code 2} usage: any argument other than {@code --help},
 * no password, an empty one, one over 72 bytes in UTF-8 (bcrypt ignores the rest), or two entries that differ.
 */
public final class HashPasswordCommand {

    static final int OK = 0;
    static final int USAGE = 2;

    private static final String USAGE_TEXT = "usage: java -cp 'holdfast-lib/*' dev.holdfast.password.HashPasswordCommand\n"
            + "  reads a password (without echo on a terminal, else one line of standard input)\n"
            + "  and prints its bcrypt hash for the password_hash column; the password is never an argument";
    /** Longest line read from a pipe; far above bcrypt's 72 bytes, so an endless stream cannot fill memory. */
    private static final int MAX_LINE_CHARS = 4096;

    private HashPasswordCommand() {
    }

    public static void main(String[] args) {
        // Only the hash may reach standard output, whatever a logging configuration or library prints.
        PrintStream stdout = System.out;
        System.setOut(System.err);
        int status = run(args, System.console(), new InputStreamReader(System.in, StandardCharsets.UTF_8),
                stdout, System.err);
        stdout.flush();
        System.exit(status);
    }

    /** The whole command, with its streams given, so it can be run without a terminal or an exit. */
    static int run(String[] args, Console console, Reader stdin, PrintStream out, PrintStream err) {
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            out.println(USAGE_TEXT);
            return OK;
        }
        if (args.length != 0) {
            err.println("holdfast: HashPasswordCommand takes no arguments (a password argument would land in shell history)");
            err.println(USAGE_TEXT);
            return USAGE;
        }
        Optional<char[]> password = console != null ? fromConsole(console, err) : fromReader(stdin, err);
        if (password.isEmpty()) {
            return USAGE;
        }
        char[] chars = password.get();
        try {
            if (chars.length == 0) {
                err.println("holdfast: the password is empty");
                return USAGE;
            }
            out.println(new PasswordVerifier().hash(chars));
            return OK;
        } catch (IllegalArgumentException tooLongOrNotUtf16) {
            err.println("holdfast: " + tooLongOrNotUtf16.getMessage());
            return USAGE;
        } finally {
            Arrays.fill(chars, '\0');
        }
    }

    private static Optional<char[]> fromConsole(Console console, PrintStream err) {
        char[] first = console.readPassword("Password: ");
        if (first == null) {
            err.println("holdfast: no password given");
            return Optional.empty();
        }
        char[] second = console.readPassword("Repeat password: ");
        try {
            if (second == null || !Arrays.equals(first, second)) {
                err.println("holdfast: the two passwords differ");
                Arrays.fill(first, '\0');
                return Optional.empty();
            }
            return Optional.of(first);
        } finally {
            if (second != null) {
                Arrays.fill(second, '\0');
            }
        }
    }

    /** One line without its {@code \n} or {@code \r\n}; empty when there is no line or it is too long. */
    private static Optional<char[]> fromReader(Reader stdin, PrintStream err) {
        char[] buffer = new char[MAX_LINE_CHARS];
        int length = 0;
        try {
            int c;
            while ((c = stdin.read()) != -1 && c != '\n') {
                if (length == buffer.length) {
                    err.println("holdfast: the line on standard input is over " + MAX_LINE_CHARS + " characters");
                    return Optional.empty();
                }
                buffer[length++] = (char) c;
            }
            if (c == -1 && length == 0) {
                err.println("holdfast: no password on standard input");
                return Optional.empty();
            }
            if (length > 0 && buffer[length - 1] == '\r') {
                length--;
            }
            return Optional.of(Arrays.copyOf(buffer, length));
        } catch (IOException e) {
            err.println("holdfast: cannot read standard input: " + e.getMessage());
            return Optional.empty();
        } finally {
            Arrays.fill(buffer, '\0');
        }
    }
}
