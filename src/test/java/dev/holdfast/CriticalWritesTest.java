package dev.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import jakarta.servlet.ServletContext;
import org.junit.jupiter.api.Test;

class CriticalWritesTest {
    @Test
    void tellsTheAdminToDeclareTheListenerWhenNoInstanceIsThere() {
        ServletContext context = mock(ServletContext.class);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> CriticalWrites.from(context));
        assertEquals("holdfast: no critical writes in this application; declare dev.holdfast.HoldfastListener in web.xml",
                e.getMessage());
    }

    @Test
    void refusesSomethingElseUnderTheAttributeName() {
        ServletContext context = mock(ServletContext.class);
        when(context.getAttribute("dev.holdfast.CriticalWrites")).thenReturn("not it");
        assertThrows(IllegalStateException.class, () -> CriticalWrites.from(context));
    }

    @Test
    void attributeNameIsTheClassName() {
        assertEquals(CriticalWrites.class.getName(), CriticalWrites.ATTRIBUTE);
    }
}
