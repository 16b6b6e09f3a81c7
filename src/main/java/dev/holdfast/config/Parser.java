package dev.holdfast.config;

/** Turns a raw setting value (already trimmed, never empty) into its typed form. */
@FunctionalInterface
interface Parser<T> {
    T parse(String raw) throws InvalidValueException;
}
