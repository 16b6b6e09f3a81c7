package dev.holdfast.spool;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

/** The little JSON this package writes (dead letters, exports): quoted strings, escaped by Jackson. */
final class Json {
    private Json() {
    }

    static String quote(String value) {
        return '"' + new String(JsonStringEncoder.getInstance().quoteAsString(value)) + '"';
    }
}
