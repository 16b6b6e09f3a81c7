package dev.holdfast.web;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.holdfast.json.Json;
import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The body of a login request: form-encoded or JSON, at most {@value #MAX_BODY_BYTES} bytes, strict UTF-8,
 * each field once. Read from the body only (never the query string, which ends up in access logs).
 */
final class LoginForm {
    public static final int MAX_BODY_BYTES = 16 * 1024;
    static final int MAX_USERNAME_CHARS = 256;
    static final int MAX_PASSWORD_CHARS = 1024;

    private static final JsonFactory JSON = Json.strictReader(
            StreamReadConstraints.builder().maxNestingDepth(2).maxStringLength(MAX_BODY_BYTES).build());

    private final String username;
    private final char[] password;
    private final String next;

    private LoginForm(String username, char[] password, String next) {
        this.username = username;
        this.password = password;
        this.next = next;
    }

    /** Why a body was refused; {@link #status()} is 400, 413 or 415. */
    public static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        private final int status;

        Refused(int status, String description) {
            super(description);
            this.status = status;
        }

        public int status() {
            return status;
        }

        /** Safe to send to the client: never contains the body. */
        public String description() {
            return getMessage();
        }
    }

    /** True when the request body is JSON (the client then gets JSON answers whatever it accepts). */
    public static boolean isJson(HttpServletRequest request) {
        return "application/json".equals(mediaType(request.getContentType()));
    }

    public static LoginForm read(HttpServletRequest request) throws Refused, IOException {
        String contentType = request.getContentType();
        String media = mediaType(contentType);
        if (!"application/x-www-form-urlencoded".equals(media) && !"application/json".equals(media)) {
            throw new Refused(415, "use application/x-www-form-urlencoded or application/json");
        }
        String charset = charset(contentType);
        if (charset != null && !charset.equals("utf-8")) {
            throw new Refused(415, "the body must be UTF-8");
        }
        long declared = request.getContentLengthLong();
        if (declared > MAX_BODY_BYTES) {
            throw new Refused(413, "the body is larger than " + MAX_BODY_BYTES + " bytes");
        }
        byte[] body = readBounded(request.getInputStream());
        return media.equals("application/json") ? fromJson(body) : fromForm(body);
    }

    public String username() {
        return username;
    }

    /** The password; the caller wipes it with {@link #wipe()} once checked. */
    public char[] password() {
        return password;
    }

    /** The {@code next} the client asked for; not yet checked to be a local path. */
    public Optional<String> next() {
        return Optional.ofNullable(next);
    }

    public void wipe() {
        Arrays.fill(password, '\0');
    }

    private static byte[] readBounded(InputStream in) throws IOException, Refused {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        byte[] buffer = new byte[4096];
        int read;
        while ((read = in.read(buffer)) != -1) {
            if (out.size() + read > MAX_BODY_BYTES) {
                throw new Refused(413, "the body is larger than " + MAX_BODY_BYTES + " bytes");
            }
            out.write(buffer, 0, read);
        }
        return out.toByteArray();
    }

    private static LoginForm fromForm(byte[] body) throws Refused {
        String ascii = new String(body, StandardCharsets.ISO_8859_1);
        Map<String, String> fields = new HashMap<>();
        for (String pair : ascii.split("&", -1)) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = decode(equals < 0 ? pair : pair.substring(0, equals));
            String value = equals < 0 ? "" : decode(pair.substring(equals + 1));
            if (fields.put(name, value) != null && isKnown(name)) {
                throw new Refused(400, "the field " + name + " is given more than once");
            }
        }
        return validated(fields.get("username"), fields.get("password"), fields.get("next"));
    }

    private static LoginForm fromJson(byte[] body) throws Refused {
        // Jackson's UTF-8 reader accepts overlong forms (C0 AF for '/') and encoded surrogates (ED A0 80):
        // check the bytes with the JDK's strict decoder first, as the form decoder does.
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body));
        } catch (CharacterCodingException e) {
            throw new Refused(400, "the body is not valid JSON in UTF-8 with each field once");
        }
        Map<String, String> fields = new HashMap<>();
        try (JsonParser parser = JSON.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new Refused(400, "the body must be a JSON object");
            }
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (isKnown(name)) {
                    if (value != JsonToken.VALUE_STRING) {
                        throw new Refused(400, "the field " + name + " must be a string");
                    }
                    fields.put(name, parser.getText());
                } else {
                    parser.skipChildren();
                }
            }
            if (token != JsonToken.END_OBJECT || parser.nextToken() != null) {
                throw new Refused(400, "the body must be one JSON object");
            }
        } catch (StreamConstraintsException e) {
            throw new Refused(400, "the JSON body is nested too deeply or too large");
        } catch (JsonProcessingException e) {
            // Jackson's message may quote the body (the password): never pass it on.
            throw new Refused(400, "the body is not valid JSON in UTF-8 with each field once");
        } catch (IOException e) {
            throw new Refused(400, "the body is not valid JSON");
        }
        return validated(fields.get("username"), fields.get("password"), fields.get("next"));
    }

    private static boolean isKnown(String name) {
        return name.equals("username") || name.equals("password") || name.equals("next");
    }

    private static LoginForm validated(String username, String password, String next) throws Refused {
        if (username == null || username.isEmpty() || password == null || password.isEmpty()) {
            throw new Refused(400, "username and password are required");
        }
        if (username.length() > MAX_USERNAME_CHARS || username.chars().anyMatch(Character::isISOControl)) {
            throw new Refused(400, "the username is too long or contains control characters");
        }
        if (password.length() > MAX_PASSWORD_CHARS) {
            throw new Refused(400, "the password is longer than " + MAX_PASSWORD_CHARS + " characters");
        }
        return new LoginForm(username, password.toCharArray(), next == null || next.isEmpty() ? null : next);
    }

    /** Strict percent-decoding: a malformed escape or bytes that are not UTF-8 refuse the request. */
    private static String decode(String encoded) throws Refused {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(encoded.length());
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c == '+') {
                bytes.write(' ');
            } else if (c == '%') {
                if (i + 2 >= encoded.length()) {
                    throw new Refused(400, "the form body has a malformed % escape");
                }
                int high = Character.digit(encoded.charAt(i + 1), 16);
                int low = Character.digit(encoded.charAt(i + 2), 16);
                if (high < 0 || low < 0) {
                    throw new Refused(400, "the form body has a malformed % escape");
                }
                bytes.write(high * 16 + low);
                i += 2;
            } else {
                bytes.write(c);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw new Refused(400, "the form body is not UTF-8");
        }
    }

    private static String mediaType(String contentType) {
        if (contentType == null) {
            return "";
        }
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }

    private static String charset(String contentType) {
        if (contentType == null) {
            return null;
        }
        for (String parameter : contentType.split(";")) {
            String trimmed = parameter.trim().toLowerCase(Locale.ROOT);
            if (trimmed.startsWith("charset=")) {
                return trimmed.substring("charset=".length()).replace("\"", "").trim();
            }
        }
        return null;
    }
}
