package dev.holdfast.config;

import java.util.Locale;
import java.util.Objects;

/**
 * One setting: its name, default, parser and whether it is secret. Every setting is declared once, in
 * {@link Settings}; the reader, the masking, the effective-settings log and the docs test all read from there.
 */
public final class Setting<T> {
    /** Where a setting may be given. */
    enum Scope {
        /** {@code holdfast.<name>} as a system property, environment variable or context-param. */
        SHARED,
        /** As {@link #SHARED}, and also as an init-param of one filter or servlet declaration. */
        SHARED_OR_INSTANCE,
        /** Only as an init-param of one filter declaration, by its bare name (e.g. {@code exclude}). */
        INSTANCE
    }

    static final String PREFIX = "holdfast.";

    private final String name;
    private final String defaultValue;
    private final String documentedDefault;
    private final Parser<T> parser;
    private final boolean secret;
    private final Scope scope;

    Setting(String name, String defaultValue, String documentedDefault, Parser<T> parser, boolean secret, Scope scope) {
        this.name = Objects.requireNonNull(name, "name");
        this.defaultValue = defaultValue;
        this.documentedDefault = documentedDefault;
        this.parser = Objects.requireNonNull(parser, "parser");
        this.secret = secret;
        this.scope = Objects.requireNonNull(scope, "scope");
    }

    /** The name without prefix, as in the docs: {@code jwt.secret}, or {@code exclude} for a filter init-param. */
    public String name() {
        return name;
    }

    /** The full name an admin writes: {@code holdfast.jwt.secret}; a filter init-param's bare name. */
    public String key() {
        return scope == Scope.INSTANCE ? name : PREFIX + name;
    }

    /** {@code HOLDFAST_JWT_SECRET}: upper case, dots to underscores. */
    public String environmentName() {
        return key().toUpperCase(Locale.ROOT).replace('.', '_');
    }

    public boolean isSecret() {
        return secret;
    }

    /** The default as the docs show it, or null when there is none. */
    public String documentedDefault() {
        return documentedDefault;
    }

    String defaultValue() {
        return defaultValue;
    }

    Parser<T> parser() {
        return parser;
    }

    Scope scope() {
        return scope;
    }

    @Override
    public String toString() {
        return key();
    }
}
