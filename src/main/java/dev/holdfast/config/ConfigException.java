package dev.holdfast.config;

import java.util.List;

/**
 * The settings cannot start Holdfast. Carries every problem found in one pass, each a complete log line
 * (setting named, value in brackets with secrets masked, what would be valid), so an admin fixes all at once.
 */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super(String.join(System.lineSeparator(), problems));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("problems is empty");
        }
        this.problems = List.copyOf(problems);
    }

    /** One line per problem, in the order the settings are declared. */
    public List<String> problems() {
        return problems;
    }
}
