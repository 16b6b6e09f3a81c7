package dev.holdfast.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Proxy;
import java.net.URLEncoder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Fuzzes the login body parsers ({@link LoginForm#read}), JSON and form: any body ends as a form whose fields
 * obey the limits or as a {@link LoginForm.Refused} with 400, 413 or 415, never as another exception; and both
 * encodings of the same fields read alike. Seeds in {@code LoginFormFuzzTestInputs/}: the first byte picks the
 * content type, the rest is the body.
 */
class LoginFormFuzzTest {
    private static final String[] CONTENT_TYPES = {"application/json", "application/x-www-form-urlencoded",
        "application/json; charset=UTF-8", "application/x-www-form-urlencoded;charset=iso-8859-1", "text/plain",
        "APPLICATION/JSON", "application/json;charset=\"utf-8\"", null};
    private static final Set<Integer> REFUSALS = Set.of(400, 413, 415);

    /**
     * The three calls {@link LoginForm#read} makes; anything else is a failure of the harness, not of the code.
     * A proxy rather than {@link ServletMocks.Request}: it refuses every other call, and costs no Mockito mock per
     * fuzz input.
     */
    private static HttpServletRequest request(String contentType, byte[] body, long declaredLength) {
        ServletInputStream stream = ServletMocks.body(body);
        return (HttpServletRequest) Proxy.newProxyInstance(LoginFormFuzzTest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "getContentType":
                            return contentType;
                        case "getContentLengthLong":
                            return declaredLength;
                        case "getInputStream":
                            return stream;
                        default:
                            throw new UnsupportedOperationException(method.getName());
                    }
                });
    }

    /** A form or a refusal, whatever the bytes; a form's fields are within the limits. */
    @FuzzTest(maxDuration = "10m")
    void anyBodyIsAFormWithinTheLimitsOrARefusal(byte[] input) throws Exception {
        if (input.length == 0) {
            return;
        }
        String contentType = CONTENT_TYPES[(input[0] & 0x7f) % CONTENT_TYPES.length];
        byte[] body = java.util.Arrays.copyOfRange(input, 1, input.length);
        long declared = (input[0] & 0x80) == 0 ? body.length : -1;
        try {
            LoginForm form = LoginForm.read(request(contentType, body, declared));
            assertFalse(form.username().isEmpty());
            assertTrue(form.username().length() <= LoginForm.MAX_USERNAME_CHARS);
            assertTrue(form.username().chars().noneMatch(Character::isISOControl), "control character in the username");
            assertTrue(form.password().length > 0 && form.password().length <= LoginForm.MAX_PASSWORD_CHARS);
            assertTrue(form.next().map(next -> !next.isEmpty()).orElse(true));
            form.wipe();
        } catch (LoginForm.Refused refused) {
            assertTrue(REFUSALS.contains(refused.status()), "status " + refused.status());
            assertFalse(refused.description().isEmpty());
        }
    }

    /**
     * The same username, password and next (the input split at NUL, as UTF-8) sent as JSON and as a form: both
     * read the same fields, or both are refused with the same status.
     */
    @FuzzTest(maxDuration = "10m")
    void jsonAndFormReadTheSameFields(byte[] input) throws Exception {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(input)).toString();
        } catch (CharacterCodingException notUtf8) {
            return; // a form cannot carry what is not text
        }
        String[] fields = text.split("\u0000", 3);
        String username = fields[0];
        String password = fields.length > 1 ? fields[1] : "";
        String next = fields.length > 2 ? fields[2] : "";
        JsonStringEncoder json = JsonStringEncoder.getInstance();
        String jsonBody = "{\"username\":\"" + new String(json.quoteAsString(username)) + "\",\"password\":\""
                + new String(json.quoteAsString(password)) + "\",\"next\":\"" + new String(json.quoteAsString(next)) + "\"}";
        String formBody = "username=" + URLEncoder.encode(username, StandardCharsets.UTF_8) + "&password="
                + URLEncoder.encode(password, StandardCharsets.UTF_8) + "&next=" + URLEncoder.encode(next, StandardCharsets.UTF_8);
        if (jsonBody.getBytes(StandardCharsets.UTF_8).length > LoginForm.MAX_BODY_BYTES
                || formBody.length() > LoginForm.MAX_BODY_BYTES) {
            return; // the encodings differ in size: one may be over the limit while the other is not
        }
        Object fromJson = outcome("application/json", jsonBody.getBytes(StandardCharsets.UTF_8));
        Object fromForm = outcome("application/x-www-form-urlencoded", formBody.getBytes(StandardCharsets.US_ASCII));
        if (fromJson instanceof LoginForm && fromForm instanceof LoginForm) {
            LoginForm a = (LoginForm) fromJson;
            LoginForm b = (LoginForm) fromForm;
            assertEquals(a.username(), b.username());
            assertArrayEquals(a.password(), b.password());
            assertEquals(a.next(), b.next());
            assertEquals(username, a.username());
        } else {
            assertEquals(String.valueOf(fromJson), String.valueOf(fromForm), "JSON and form disagree");
        }
    }

    private static Object outcome(String contentType, byte[] body) throws Exception {
        try {
            return LoginForm.read(request(contentType, body, body.length));
        } catch (LoginForm.Refused refused) {
            return "refused " + refused.status();
        }
    }
}
