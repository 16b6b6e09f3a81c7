package dev.holdfast.config;

/**
 * A raw value a {@link Parser} cannot accept. The message completes "[holdfast.x] = [value] ...",
 * e.g. "is not a duration; use PT1S or a number of seconds"; it never repeats the value.
 */
final class InvalidValueException extends Exception {
    private static final long serialVersionUID = 1L;

    InvalidValueException(String whatWouldBeValid) {
        super(whatWouldBeValid);
    }
}
