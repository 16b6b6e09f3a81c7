package dev.holdfast.testing;

import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * {@link OldAppDropIn} on Tomcat 10.1 with the jakarta edition, {@code holdfast-lib/}: the same app moved to
 * Tomcat 10.1 as its owners would, with a Jakarta web.xml and the same old libraries.
 */
class DropInOldAppTomcat10IT extends OldAppDropIn {
    @Override
    Path holdfastLib() {
        return Paths.get("target/holdfast-lib");
    }

    @Override
    Path tomcatHome() {
        return TomcatProcess.tomcat10Home();
    }

    @Override
    String webXml(String servlet4WebXml) {
        return servlet4WebXml.replace("http://xmlns.jcp.org/xml/ns/javaee/web-app_4_0.xsd",
                        "https://jakarta.ee/xml/ns/jakartaee/web-app_6_0.xsd")
                .replace("http://xmlns.jcp.org/xml/ns/javaee", "https://jakarta.ee/xml/ns/jakartaee")
                .replace("version=\"4.0\"", "version=\"6.0\"");
    }
}
