package dev.holdfast.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LoginFormTest {
    private static HttpServletRequest request(String contentType, byte[] body, long declaredLength) throws IOException {
        HttpServletRequest request = mock(HttpServletRequest.class);
        when(request.getContentType()).thenReturn(contentType);
        when(request.getContentLengthLong()).thenReturn(declaredLength);
        when(request.getInputStream()).thenReturn(ServletMocks.body(body));
        return request;
    }

    private static LoginForm read(String contentType, String body) throws Exception {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return LoginForm.read(request(contentType, bytes, bytes.length));
    }

    private static LoginForm.Refused refused(String contentType, String body) {
        return assertThrows(LoginForm.Refused.class, () -> read(contentType, body));
    }

    @Test
    void readsFormBody() throws Exception {
        LoginForm form = read("application/x-www-form-urlencoded; charset=UTF-8",
                "username=alice&password=p%C3%A4ss+word%26%3D&next=%2Fapp%2F%3Fx%3D1");
        assertEquals("alice", form.username());
        assertArrayEquals("päss word&=".toCharArray(), form.password());
        assertEquals(Optional.of("/app/?x=1"), form.next());
    }

    @Test
    void readsJsonBody() throws Exception {
        LoginForm form = read("application/json", "{\"username\":\"bob\",\"password\":\"s3cr\\u00e9t\",\"extra\":{\"a\":1}}");
        assertEquals("bob", form.username());
        assertArrayEquals("s3crét".toCharArray(), form.password());
        assertTrue(form.next().isEmpty());
    }

    @Test
    void keepsSqlMetacharactersAsPlainData() throws Exception {
        LoginForm form = read("application/x-www-form-urlencoded", "username=%27+OR+%271%27%3D%271%27--&password=x");
        assertEquals("' OR '1'='1'--", form.username());
    }

    @Test
    void wipesThePassword() throws Exception {
        LoginForm form = read("application/json", "{\"username\":\"bob\",\"password\":\"secret\"}");
        form.wipe();
        assertArrayEquals(new char[6], form.password());
    }

    @Test
    void refusesWrongContentType() {
        assertEquals(415, refused("text/plain", "username=a&password=b").status());
        assertEquals(415, refused(null, "username=a&password=b").status());
        assertEquals(415, refused("application/x-www-form-urlencoded; charset=ISO-8859-1", "username=a&password=b").status());
    }

    @Test
    void refusesDeclaredOversizedBodyBeforeReading() throws IOException {
        HttpServletRequest request = request("application/json", new byte[0], 17 * 1024);
        assertEquals(413, assertThrows(LoginForm.Refused.class, () -> LoginForm.read(request)).status());
    }

    @Test
    void refusesOversizedBodyWithoutContentLength() throws IOException {
        byte[] body = ("username=a&password=" + "x".repeat(20_000)).getBytes(StandardCharsets.US_ASCII);
        HttpServletRequest request = request("application/x-www-form-urlencoded", body, -1);
        assertEquals(413, assertThrows(LoginForm.Refused.class, () -> LoginForm.read(request)).status());
    }

    @Test
    void refusesMissingFields() {
        assertEquals("username and password are required",
                refused("application/x-www-form-urlencoded", "username=alice").description());
        assertEquals(400, refused("application/json", "{\"username\":\"alice\",\"password\":\"\"}").status());
    }

    @Test
    void refusesRepeatedField() {
        assertEquals("the field username is given more than once",
                refused("application/x-www-form-urlencoded", "username=a&username=b&password=c").description());
        assertEquals(400, refused("application/json", "{\"username\":\"a\",\"username\":\"b\",\"password\":\"c\"}").status());
    }

    @Test
    void refusesMalformedEscapesAndNonUtf8() {
        assertEquals(400, refused("application/x-www-form-urlencoded", "username=%ZZ&password=x").status());
        assertEquals(400, refused("application/x-www-form-urlencoded", "username=%&password=x").status());
        assertEquals("the form body is not UTF-8",
                refused("application/x-www-form-urlencoded", "username=%C3%28&password=x").description());
    }

    @Test
    void refusesNonUtf8Json() throws IOException {
        byte[] body = {'{', '"', 'u', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        HttpServletRequest request = request("application/json", body, body.length);
        assertEquals(400, assertThrows(LoginForm.Refused.class, () -> LoginForm.read(request)).status());
    }

    @Test
    void refusesOverlongAndSurrogateUtf8InJson() throws IOException {
        byte[][] bodies = {
            {'{', '"', 'u', '"', ':', '"', (byte) 0xC0, (byte) 0xAF, '"', '}'},               // overlong '/'
            {'{', '"', 'u', '"', ':', '"', (byte) 0xE0, (byte) 0x80, (byte) 0xAF, '"', '}'}, // overlong '/', 3 bytes
            {'{', '"', 'u', '"', ':', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', '}'}, // encoded surrogate
        };
        for (byte[] body : bodies) {
            HttpServletRequest request = request("application/json", body, body.length);
            LoginForm.Refused refused = assertThrows(LoginForm.Refused.class, () -> LoginForm.read(request));
            assertEquals(400, refused.status());
            assertEquals("the body is not valid JSON in UTF-8 with each field once", refused.description());
        }
    }

    @Test
    void refusesJsonThatIsNotAnObjectOfStrings() {
        assertEquals(400, refused("application/json", "[\"alice\"]").status());
        assertEquals("the field password must be a string",
                refused("application/json", "{\"username\":\"a\",\"password\":123}").description());
        assertEquals(400, refused("application/json", "{\"username\":\"a\",\"password\":\"b\"} {}").status());
        assertEquals(400, refused("application/json", "{\"username\":\"a\",\"x\":[[[[[[1]]]]]],\"password\":\"b\"}").status());
    }

    @Test
    void refusedDescriptionNeverEchoesTheBody() {
        LoginForm.Refused refused = refused("application/json", "{\"username\":\"a\",\"password\":\"hunter2-secret");
        assertFalse(refused.description().contains("hunter2"));
    }

    @Test
    void refusesControlCharactersInUsername() {
        assertEquals(400, refused("application/x-www-form-urlencoded", "username=a%0Ab&password=x").status());
    }
}
