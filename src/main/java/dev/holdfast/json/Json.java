package dev.holdfast.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Objects;

/**
 * The one place Holdfast writes and reads JSON: Jackson's streaming API, with buffers pooled in the factory
 * rather than in ThreadLocals of the container's threads (Jackson's default), which would keep this
 * application's class loader reachable after undeploy.
 */
public final class Json {

    /** How string values are escaped beyond what JSON itself requires. */
    public enum Escaping {
        /** Jackson's own: quote, backslash and control characters ({@code \n}, {@code \b} short, others {@code \}u00XX). */
        PLAIN(null),
        /**
         * For HTTP answers: also {@code < > &}, U+2028 and U+2029, so a body sniffed as HTML stays inert; controls
         * other than {@code \n \r \t} as lower-case {@code \}u00xx.
         */
        HTTP(new Escapes("<>&\u2028\u2029")),
        /**
         * For log lines: also DEL, NEL, U+2028 and U+2029, which some log readers take as line ends; controls other
         * than {@code \n \r \t} as lower-case {@code \}u00xx.
         */
        LOG_LINE(new Escapes("\u007f\u0085\u2028\u2029"));

        private final JsonFactory factory;

        Escaping(CharacterEscapes escapes) {
            JsonFactoryBuilder builder = new JsonFactoryBuilder().recyclerPool(JsonRecyclerPools.newConcurrentDequePool());
            this.factory = (escapes == null ? builder : builder.characterEscapes(escapes)).build();
        }
    }

    /** What to write through a generator. */
    @FunctionalInterface
    public interface Body {
        void writeTo(JsonGenerator json) throws IOException;
    }

    private Json() {
    }

    /** {@code body} as a string, {@link Escaping#PLAIN}. */
    public static String write(Body body) {
        return write(Escaping.PLAIN, body);
    }

    /** {@code body} as a string. */
    public static String write(Escaping escaping, Body body) {
        Objects.requireNonNull(escaping, "escaping");
        Objects.requireNonNull(body, "body");
        StringWriter text = new StringWriter();
        try (JsonGenerator json = escaping.factory.createGenerator(text)) {
            body.writeTo(json);
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON to memory cannot fail", e);
        }
        return text.toString();
    }

    /** {@code body} as UTF-8 to {@code out} ({@link Escaping#PLAIN}); {@code out} stays open. */
    public static void write(OutputStream out, Body body) throws IOException {
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(body, "body");
        try (JsonGenerator json = Escaping.PLAIN.factory.createGenerator(out)) {
            json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            body.writeTo(json);
        }
    }

    /** {@code value} as a JSON string literal, quotes included. */
    public static String quote(Escaping escaping, String value) {
        Objects.requireNonNull(value, "value");
        return write(escaping, json -> json.writeString(value));
    }

    /** A parser over JSON Holdfast wrote itself (its own files); lenient limits are Jackson's defaults. */
    public static JsonParser parser(byte[] bytes, int offset, int length) throws IOException {
        return Escaping.PLAIN.factory.createParser(bytes, offset, length);
    }

    /**
     * A factory for JSON from outside (request bodies, tokens): within {@code limits}, and a name given twice
     * (also one hidden by an escape) is refused.
     */
    public static JsonFactory strictReader(StreamReadConstraints limits) {
        Objects.requireNonNull(limits, "limits");
        return JsonFactory.builder()
                .recyclerPool(JsonRecyclerPools.newConcurrentDequePool())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .streamReadConstraints(limits)
                .build();
    }

    /** JSON's required escapes, plus {@code extra} and every control as lower-case {@code \}u00xx except {@code \n \r \t}. */
    private static final class Escapes extends CharacterEscapes {
        private static final long serialVersionUID = 1L;

        private final int[] ascii;
        private final String extra;

        Escapes(String extra) {
            this.extra = extra;
            this.ascii = standardAsciiEscapesForJSON();
            for (int c = 0; c < 0x20; c++) {
                if (c != '\n' && c != '\r' && c != '\t') {
                    ascii[c] = ESCAPE_CUSTOM;
                }
            }
            for (char c : extra.toCharArray()) {
                if (c < 128) {
                    ascii[c] = ESCAPE_CUSTOM;
                }
            }
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public SerializableString getEscapeSequence(int c) {
            if ((c < ascii.length && ascii[c] == ESCAPE_CUSTOM) || extra.indexOf(c) >= 0) {
                return new SerializedString(String.format("\\u%04x", c));
            }
            return null;
        }
    }
}
