package dev.holdfast.token;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import dev.holdfast.json.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The token's JSON, read with Jackson's streaming parser (already on the class path) instead of jose4j's
 * json_simple, which takes a 32 KB buffer per parse. Strict: duplicate names (also ones hidden by an escape)
 * are refused, as are trailing content, comments and anything but one object at the top. The factory is
 * {@link Json#strictReader}'s: buffers pooled in it, not in ThreadLocals (which would pin the class loader).
 */
final class TokenJson {

    /** Thrown for anything that is not one well-formed object within the limits; carries no token content. */
    static final class MalformedJson extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedJson() {
            super("malformed JSON", null, false, false);
        }
    }

    private static final MalformedJson MALFORMED = new MalformedJson();

    private static final JsonFactory JSON = Json.strictReader(StreamReadConstraints.builder()
            .maxNestingDepth(TokenVerifier.MAX_HEADER_JSON_DEPTH)
            .maxStringLength(TokenVerifier.MAX_TOKEN_CHARS)
            .maxNumberLength(400)
            .build());

    /** The header members Holdfast reads; the names of all others are reported, their values skipped. */
    static final class Header {
        /** {@code alg}, {@code kid}, {@code typ}: a String, {@link #NOT_A_STRING}, or null when absent. */
        Object alg;
        Object kid;
        Object typ;
        boolean keyHeader;
        boolean unknownHeader;
    }

    /** The value of a header member that is present but not a string (including JSON {@code null}). */
    static final Object NOT_A_STRING = new Object();

    private TokenJson() {
    }

    static Header header(byte[] json, int offset, int length) throws MalformedJson {
        Header header = new Header();
        try (JsonParser p = JSON.createParser(json, offset, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw MALFORMED;
            }
            String name;
            while ((name = p.nextFieldName()) != null) {
                JsonToken value = p.nextToken();
                Object text = value == JsonToken.VALUE_STRING ? p.getText() : NOT_A_STRING;
                switch (name) {
                    case "alg":
                        header.alg = text;
                        break;
                    case "kid":
                        header.kid = text;
                        break;
                    case "typ":
                        header.typ = text;
                        break;
                    case "jwk": case "jku": case "x5u": case "x5c": case "x5t": case "x5t#S256":
                        header.keyHeader = true;
                        break;
                    default:
                        header.unknownHeader = true; // cty (nesting), crit, zip, b64, ...
                }
                p.skipChildren();
            }
            end(p);
        } catch (IOException | RuntimeException e) {
            throw MALFORMED;
        }
        return header;
    }

    /** One JSON object as an unmodifiable map (nested maps and lists unmodifiable too). */
    static Map<String, Object> object(byte[] json, int offset, int length) throws MalformedJson {
        try (JsonParser p = JSON.createParser(json, offset, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw MALFORMED;
            }
            Map<String, Object> object = readObject(p);
            end(p);
            return object;
        } catch (IOException | RuntimeException e) {
            throw MALFORMED;
        }
    }

    private static void end(JsonParser p) throws IOException, MalformedJson {
        if (p.nextToken() != null) {
            throw MALFORMED;
        }
    }

    private static Map<String, Object> readObject(JsonParser p) throws IOException, MalformedJson {
        Map<String, Object> map = new LinkedHashMap<>();
        String name;
        while ((name = p.nextFieldName()) != null) {
            map.put(name, readValue(p, p.nextToken()));
        }
        return Collections.unmodifiableMap(map);
    }

    private static Object readValue(JsonParser p, JsonToken token) throws IOException, MalformedJson {
        if (token == null) {
            throw MALFORMED;
        }
        switch (token) {
            case VALUE_STRING:
                return p.getText();
            case VALUE_NUMBER_INT:
                switch (p.getNumberType()) {
                    case INT:
                    case LONG:
                        return p.getLongValue();
                    default:
                        return p.getBigIntegerValue();
                }
            case VALUE_NUMBER_FLOAT:
                return p.getDoubleValue();
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            case START_OBJECT:
                return readObject(p);
            case START_ARRAY:
                List<Object> list = new ArrayList<>();
                JsonToken next;
                while ((next = p.nextToken()) != JsonToken.END_ARRAY) {
                    list.add(readValue(p, next));
                }
                return Collections.unmodifiableList(list);
            default:
                throw MALFORMED;
        }
    }
}
