package dev.holdfast.fleet;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -cp 'holdfast-lib/*' dev.holdfast.token.GenerateKeyCommand ...} run exactly as docs/operations.md
 * tells an admin to, in its own JVM, its standard output into a file.
 */
final class KeyCommand {

    private KeyCommand() {
    }

    /** Runs the command with {@code args}, writes what it prints to {@code output} and returns its standard error. */
    static String run(Path output, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", Paths.get("target/holdfast-lib").toAbsolutePath() + File.separator + "*",
                "dev.holdfast.token.GenerateKeyCommand"));
        command.addAll(List.of(args));
        Path errors = Files.createTempFile("generate-key", ".err");
        try {
            Process process = new ProcessBuilder(command).redirectOutput(output.toFile()).redirectError(errors.toFile()).start();
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException("GenerateKeyCommand " + String.join(" ", args) + " did not end");
            }
            String stderr = Files.readString(errors, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IllegalStateException("GenerateKeyCommand " + String.join(" ", args) + " exited "
                        + process.exitValue() + ": " + stderr);
            }
            return stderr;
        } finally {
            Files.deleteIfExists(errors);
        }
    }
}
