package dev.holdfast.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Worst latency per fault, measured by fault tests and written to {@code target/fault-latencies/<test>.txt}
 * for the docs.
 */
public final class Latencies {
    private final String test;
    private final Map<String, Duration> worst = new ConcurrentHashMap<>();

    public Latencies(String test) {
        this.test = test;
    }

    /** Records one call's latency under {@code fault}; returns it. */
    public Duration record(String fault, Duration latency) {
        worst.merge(fault, latency, (a, b) -> a.compareTo(b) >= 0 ? a : b);
        return latency;
    }

    public Duration worst(String fault) {
        return worst.getOrDefault(fault, Duration.ZERO);
    }

    /** Prints the table and writes it under {@code target/fault-latencies/}. */
    public void report() {
        StringBuilder text = new StringBuilder("worst latency per fault (" + test + ")\n");
        new TreeMap<>(worst).forEach((fault, latency) -> text.append(String.format("  %-55s %6d ms%n", fault,
                latency.toMillis())));
        System.out.print(text);
        try {
            Path dir = Path.of("target", "fault-latencies");
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(test + ".txt"), text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
