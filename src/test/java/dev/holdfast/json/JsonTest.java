package dev.holdfast.json;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void httpQuoteEscapesControlAndHtmlCharacters() {
        assertEquals("\"a\\\"b\\\\c\\n\\u003cscript\\u003e\\u0001\"",
                Json.quote(Json.Escaping.HTTP, "a\"b\\c\n<script>\u0001"));
        assertEquals("\"\\u0008\\u000c\\u0026\\u2028\\u2029\u007f\u0085\"",
                Json.quote(Json.Escaping.HTTP, "\b\f&\u2028\u2029\u007f\u0085"));
    }

    @Test
    void logLineQuoteEscapesLineEndsButNotHtml() {
        assertEquals("\"\\u0008\\u000c\\t\\u007f\\u0085\\u2028\\u2029<&>\"",
                Json.quote(Json.Escaping.LOG_LINE, "\b\f\t\u007f\u0085\u2028\u2029<&>"));
    }

    @Test
    void plainIsJacksonsOwnEscaping() {
        assertEquals("{\"v\":\"\\b\\f\\u001F<&>\u2028\"}", Json.write(json -> {
            json.writeStartObject();
            json.writeStringField("v", "\b\f\u001f<&>\u2028");
            json.writeEndObject();
        }));
    }

    @Test
    void writesUtf8ToAStreamItLeavesOpen() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Json.write(out, json -> json.writeString("é"));
        out.write('\n');
        assertEquals("\"é\"\n", out.toString(StandardCharsets.UTF_8));
    }
}
