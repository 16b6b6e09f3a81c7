package dev.holdfast;

import dev.holdfast.config.ConfigException;
import dev.holdfast.config.SettingsReader;
import dev.holdfast.context.HoldfastContext;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletException;

/** What every Holdfast servlet does at init: check its init-params, find the parts the listener built. */
final class Components {
    private Components() {
    }

    static HoldfastContext of(ServletConfig config) throws ServletException {
        try {
            // A servlet takes no init-params of its own; a misplaced one is reported, not ignored.
            SettingsReader.requireNoInitParams(config);
        } catch (ConfigException e) {
            throw new ServletException("holdfast: invalid init-params of [" + config.getServletName() + "]; see the log");
        }
        Object context = config.getServletContext().getAttribute(HoldfastContext.ATTRIBUTE);
        if (!(context instanceof HoldfastContext)) {
            throw new ServletException("holdfast: [" + config.getServletName() + "] needs dev.holdfast.HoldfastListener;"
                    + " declare <listener><listener-class>dev.holdfast.HoldfastListener</listener-class></listener> in web.xml");
        }
        return (HoldfastContext) context;
    }
}
