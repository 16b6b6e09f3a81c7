package dev.holdfast.testing;

import java.util.LinkedHashMap;
import java.util.Map;

/** The samples of a Prometheus text exposition, by series as written ({@code name{label="value",...}}). */
public final class PrometheusText {
    private PrometheusText() {
    }

    public static Map<String, Double> samples(String exposition) {
        Map<String, Double> samples = new LinkedHashMap<>();
        for (String line : exposition.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
        return samples;
    }

    /** The value of {@code series}, failing with the whole exposition when it is absent. */
    public static double value(String exposition, String series) {
        Double value = samples(exposition).get(series);
        if (value == null) {
            throw new AssertionError("no series " + series + " in:\n" + exposition);
        }
        return value;
    }
}
